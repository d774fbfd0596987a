using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Dns
{
    /// <summary>
    /// A parsed query, reused for every message: header fields, the question name as
    /// lower-case labels (for matching) and where the original-case question ends (the answer
    /// copies it back byte for byte), the type and class, and the EDNS0 OPT record if any.
    /// Parse never throws; it returns the rcode a malformed query deserves, or -1 for one that
    /// must not be answered at all (a response, or too short to have an ID).
    /// </summary>
    public sealed class DnsQuery
    {
        private const int MaxPointers = 16;

        /// <summary>The question name, lower-case, wire form (length bytes and labels).</summary>
        public readonly byte[] Name = new byte[DnsName.MaxLength + 1];
        public int NameLength;

        /// <summary>Start of each label's length byte in <see cref="Name"/>, from the leftmost.</summary>
        public readonly byte[] Labels = new byte[128]; // offsets into Name, which is at most 255 bytes
        public int LabelCount;

        public ushort Id;
        public ushort Flags;
        public ushort Type;
        public ushort Class;

        /// <summary>Where the question section ends in the query (header + question).</summary>
        public int QuestionEnd;

        public bool HasEdns;
        public int EdnsPayloadSize;
        public int EdnsVersion;
        public bool DnssecOk;

        public int Opcode
        {
            get { return DnsHeader.Opcode(Flags); }
        }

        public bool RecursionDesired
        {
            get { return (Flags & DnsHeader.RdFlag) != 0; }
        }

        /// <summary>
        /// Reads the message at [offset, offset + length). Returns <see cref="DnsRcode.NoError"/>
        /// for a query to answer, another rcode for one to refuse with that code, or -1 to drop.
        /// </summary>
        public int Parse(byte[] b, int offset, int length)
        {
            HasEdns = false;
            NameLength = 0;
            LabelCount = 0;
            if (!WireErrors.InBounds(b, offset, length) || length < DnsHeader.Length)
            {
                return -1;
            }

            Id = (ushort)((b[offset + DnsHeader.IdField] << 8) | b[offset + DnsHeader.IdField + 1]);
            Flags = (ushort)((b[offset + DnsHeader.FlagsField] << 8) | b[offset + DnsHeader.FlagsField + 1]);
            if ((Flags & DnsHeader.QrFlag) != 0)
            {
                return -1; // a response: answering it could start a loop
            }

            if (Opcode != 0)
            {
                QuestionEnd = DnsHeader.Length;
                return DnsRcode.NotImp;
            }

            if (b[offset + DnsHeader.QuestionCountField] != 0 || b[offset + DnsHeader.QuestionCountField + 1] != 1)
            {
                QuestionEnd = DnsHeader.Length;
                return DnsRcode.FormErr;
            }

            int at = ReadName(b, offset, length, offset + DnsHeader.Length, true);
            if (at < 0 || at + 4 > offset + length)
            {
                QuestionEnd = DnsHeader.Length;
                return DnsRcode.FormErr;
            }

            Type = (ushort)((b[at] << 8) | b[at + 1]);
            Class = (ushort)((b[at + 2] << 8) | b[at + 3]);
            at += 4;
            QuestionEnd = at - offset;

            // Skip answers and authorities (a query should have none), look for OPT among additionals.
            int skip = ((b[offset + DnsHeader.AnswerCountField] << 8) | b[offset + DnsHeader.AnswerCountField + 1])
                + ((b[offset + DnsHeader.AuthorityCountField] << 8) | b[offset + DnsHeader.AuthorityCountField + 1]);
            int additional = (b[offset + DnsHeader.AdditionalCountField] << 8) | b[offset + DnsHeader.AdditionalCountField + 1];
            for (int i = 0; i < skip + additional; i++)
            {
                int nameStart = at;
                at = ReadName(b, offset, length, at, false);
                if (at < 0 || at + 10 > offset + length)
                {
                    return DnsRcode.FormErr;
                }

                ushort type = NetworkOrder.ReadU16(b, at);
                int rdLength = NetworkOrder.ReadU16(b, at + 8);
                if (at + 10 + rdLength > offset + length)
                {
                    return DnsRcode.FormErr;
                }

                if (i >= skip && type == DnsType.OPT)
                {
                    if (HasEdns || b[nameStart] != 0)
                    {
                        return DnsRcode.FormErr; // RFC 6891 §6.1.1: one OPT, owned by the root
                    }

                    HasEdns = true;
                    EdnsPayloadSize = NetworkOrder.ReadU16(b, at + 2);
                    if (EdnsPayloadSize < 512)
                    {
                        EdnsPayloadSize = 512;
                    }

                    EdnsVersion = b[at + 5];
                    DnssecOk = (b[at + 6] & 0x80) != 0;
                }

                at += 10 + rdLength;
            }

            if (HasEdns && EdnsVersion != 0)
            {
                return DnsRcode.BadVers;
            }

            return DnsRcode.NoError;
        }

        /// <summary>Dotted text of the question (for logs and tools).</summary>
        public string NameText()
        {
            return DnsName.ToText(Name, 0);
        }

        /// <summary>The i-th label from the right (0 is the TLD) starts at Name[LabelFromRight(i)] (its length byte).</summary>
        public int LabelFromRight(int i)
        {
            return Labels[LabelCount - 1 - i];
        }

        // Reads a possibly compressed name starting at 'at'. Pointers must point backward (no
        // loops, no forward references); labels at most 63, names at most 255 bytes. With copy,
        // the name goes lower-case into Name/Labels. Returns the offset after the name in the
        // message (after the first pointer if any), or -1.
        private int ReadName(byte[] b, int offset, int length, int at, bool copy)
        {
            int end = offset + length;
            int after = -1;
            int total = 0;
            int pointers = 0;
            int position = at;
            if (copy)
            {
                NameLength = 0;
                LabelCount = 0;
            }

            while (true)
            {
                if (position >= end)
                {
                    return -1;
                }

                int label = b[position];
                if ((label & 0xC0) == 0xC0)
                {
                    if (position + 1 >= end || ++pointers > MaxPointers)
                    {
                        return -1;
                    }

                    int target = offset + (((label & 0x3F) << 8) | b[position + 1]);
                    if (target >= position || target < offset + DnsHeader.Length)
                    {
                        return -1; // forward or into the header: malformed
                    }

                    if (after < 0)
                    {
                        after = position + 2;
                    }

                    position = target;
                    continue;
                }

                if ((label & 0xC0) != 0)
                {
                    return -1; // 0x40 and 0x80: extended label types, not in use
                }

                total += label + 1;
                if (total > DnsName.MaxLength || position + 1 + label > end)
                {
                    return -1;
                }

                if (copy)
                {
                    if (label != 0)
                    {
                        Labels[LabelCount++] = (byte)NameLength;
                    }

                    // Lower-cased as it is copied (RFC 4343: names compare case-insensitively), in
                    // this loop rather than a call a byte: it runs for every query.
                    byte[] name = Name;
                    int n = NameLength;
                    System.Array.Copy(b, position, name, n, label + 1);
                    for (int i = n + 1; i <= n + label; i++)
                    {
                        if ((uint)(name[i] - 'A') <= 'Z' - 'A')
                        {
                            name[i] += 32;
                        }
                    }

                    NameLength = n + label + 1;
                }

                if (label == 0)
                {
                    return after >= 0 ? after : position + 1;
                }

                position += 1 + label;
            }
        }
    }
}
