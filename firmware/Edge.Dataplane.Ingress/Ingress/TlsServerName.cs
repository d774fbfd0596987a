namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// The name a TLS client asks for, read from the first record of its ClientHello before any
    /// handshake, so the board can pick the certificate (nanoFramework's SslStream takes one
    /// certificate and never shows the server_name extension). The bytes are peeked from the
    /// connection, not taken: the TLS layer then reads them again.
    /// <code>
    /// TLSPlaintext (RFC 8446 5.1): type(1) = 22 handshake, legacy_record_version(2), length(2), fragment
    /// Handshake (4): msg_type(1) = 1 client_hello, length(3)
    /// ClientHello (4.1.2): legacy_version(2), random(32), legacy_session_id&lt;0..32&gt;,
    ///   cipher_suites&lt;2..2^16-2&gt;, legacy_compression_methods&lt;1..2^8-1&gt;, extensions&lt;8..2^16-1&gt;
    /// Extension: extension_type(2), extension_data&lt;0..2^16-1&gt;
    /// server_name (RFC 6066 3), type 0: ServerNameList&lt;1..2^16-1&gt; of name_type(1) = 0 host_name, HostName&lt;1..2^16-1&gt;
    /// </code>
    /// A ClientHello longer than its first record (possible, never seen from curl or browsers)
    /// is read as far as that record goes: a name beyond it is not found.
    /// </summary>
    public static class TlsServerName
    {
        /// <summary>The record is whole and names a host: <c>NameStart</c>/<c>NameLength</c> say where.</summary>
        public const int Named = 1;

        /// <summary>The record is whole and a ClientHello without a host name.</summary>
        public const int Unnamed = 2;

        /// <summary>More bytes are needed: the first record has not all arrived.</summary>
        public const int Incomplete = 3;

        /// <summary>Not a TLS ClientHello (plain HTTP on the TLS port, or damaged).</summary>
        public const int NotClientHello = 4;

        /// <summary>The longest first record read: the TLS limit, 2^14 bytes, and its 5-byte header.</summary>
        public const int MaxRecord = 16384 + 5;

        private const int HandshakeRecord = 22;
        private const int ClientHello = 1;
        private const int ServerNameExtension = 0;
        private const int HostName = 0;

        /// <summary>
        /// Reads the first <paramref name="count"/> bytes a client sent; <see cref="Named"/> with where
        /// the name is, <see cref="Unnamed"/>, <see cref="Incomplete"/> or <see cref="NotClientHello"/>.
        /// </summary>
        public static int Find(byte[] b, int count, out int nameStart, out int nameLength)
        {
            nameStart = 0;
            nameLength = 0;
            if (count >= 1 && b[0] != HandshakeRecord)
            {
                return NotClientHello;
            }

            if (count < 5)
            {
                return Incomplete;
            }

            if (b[1] != 3)
            {
                return NotClientHello; // legacy_record_version is 0x0301-0x0303
            }

            int recordEnd = 5 + (b[3] << 8 | b[4]);
            if (recordEnd > MaxRecord || recordEnd < 5 + 4)
            {
                return NotClientHello;
            }

            if (count < recordEnd)
            {
                return Incomplete;
            }

            if (b[5] != ClientHello)
            {
                return NotClientHello;
            }

            int end = 9 + (b[6] << 16 | b[7] << 8 | b[8]);
            end = end < recordEnd ? end : recordEnd; // a hello in more records: as far as this one goes
            int at = 9 + 2 + 32; // legacy_version, random
            at = Skip(b, at, 1, end); // legacy_session_id
            at = Skip(b, at, 2, end); // cipher_suites
            at = Skip(b, at, 1, end); // legacy_compression_methods
            if (at < 0 || at + 2 > end)
            {
                return at == end ? Unnamed : NotClientHello; // a hello without extensions (TLS 1.0-1.2 allow it)
            }

            int extensionsEnd = at + 2 + (b[at] << 8 | b[at + 1]);
            at += 2;
            extensionsEnd = extensionsEnd < end ? extensionsEnd : end;
            while (at + 4 <= extensionsEnd)
            {
                int type = b[at] << 8 | b[at + 1];
                int length = b[at + 2] << 8 | b[at + 3];
                at += 4;
                if (at + length > extensionsEnd)
                {
                    return Unnamed; // cut by the record: the rest is not here
                }

                if (type == ServerNameExtension)
                {
                    return HostNameIn(b, at, at + length, out nameStart, out nameLength);
                }

                at += length;
            }

            return Unnamed;
        }

        // The first host_name of a ServerNameList.
        private static int HostNameIn(byte[] b, int at, int end, out int nameStart, out int nameLength)
        {
            nameStart = 0;
            nameLength = 0;
            if (at + 2 > end)
            {
                return NotClientHello;
            }

            int listEnd = at + 2 + (b[at] << 8 | b[at + 1]);
            at += 2;
            if (listEnd > end)
            {
                return NotClientHello;
            }

            while (at + 3 <= listEnd)
            {
                int type = b[at];
                int length = b[at + 1] << 8 | b[at + 2];
                at += 3;
                if (at + length > listEnd)
                {
                    return NotClientHello;
                }

                if (type == HostName && length > 0)
                {
                    nameStart = at;
                    nameLength = length;
                    return Named;
                }

                at += length;
            }

            return Unnamed;
        }

        // Past a vector whose length takes lengthBytes; -1 when it runs past end (or at is already -1).
        private static int Skip(byte[] b, int at, int lengthBytes, int end)
        {
            if (at < 0 || at + lengthBytes > end)
            {
                return -1;
            }

            int length = lengthBytes == 1 ? b[at] : b[at] << 8 | b[at + 1];
            at += lengthBytes + length;
            return at > end ? -1 : at;
        }
    }
}
