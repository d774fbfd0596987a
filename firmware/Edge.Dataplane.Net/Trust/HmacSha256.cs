namespace Edge.Dataplane.Trust
{
    /// <summary>
    /// HMAC-SHA256 (RFC 2104 with SHA-256, as RFC 4231 tests it) under one key. The key's inner
    /// and outer pads are hashed once, when the key is set, and kept as two saved hash values,
    /// so a MAC costs the message's blocks plus two, and no allocation.
    /// </summary>
    public sealed class HmacSha256
    {
        public const int MacLength = Sha256.HashLength;

        private readonly Sha256 _hash = new Sha256();
        private readonly uint[] _inner = new uint[8];
        private readonly uint[] _outer = new uint[8];
        private readonly byte[] _scratch = new byte[Sha256.BlockLength];

        /// <param name="key">The key; one longer than a block (64 bytes) is hashed first, as RFC 2104 §2 says.</param>
        public HmacSha256(byte[] key, int offset, int length)
        {
            SetKey(key, offset, length);
        }

        public void SetKey(byte[] key, int offset, int length)
        {
            byte[] pad = _scratch;
            int keyLength = length;
            if (length > Sha256.BlockLength)
            {
                _hash.Reset();
                _hash.Update(key, offset, length);
                _hash.Final(pad, 0);
                keyLength = Sha256.HashLength;
            }
            else
            {
                System.Array.Copy(key, offset, pad, 0, length);
            }

            for (int i = keyLength; i < Sha256.BlockLength; i++)
            {
                pad[i] = 0;
            }

            for (int i = 0; i < Sha256.BlockLength; i++)
            {
                pad[i] ^= 0x36; // ipad
            }

            _hash.Reset();
            _hash.Update(pad, 0, Sha256.BlockLength);
            _hash.Save(_inner);
            for (int i = 0; i < Sha256.BlockLength; i++)
            {
                pad[i] ^= 0x36 ^ 0x5c; // from ipad to opad
            }

            _hash.Reset();
            _hash.Update(pad, 0, Sha256.BlockLength);
            _hash.Save(_outer);
            for (int i = 0; i < Sha256.BlockLength; i++)
            {
                pad[i] = 0; // no copy of the key left behind
            }

            Begin();
        }

        /// <summary>Starts a MAC: H(K ^ ipad || ...) from the saved inner pad.</summary>
        public void Begin()
        {
            _hash.Restore(_inner, Sha256.BlockLength);
        }

        public void Update(byte[] data, int offset, int count)
        {
            _hash.Update(data, offset, count);
        }

        /// <summary>Writes the 32-byte MAC of what was given since <see cref="Begin"/> at mac[offset], and begins the next.</summary>
        public void Final(byte[] mac, int offset)
        {
            // H(K ^ opad || inner hash): the inner hash is taken into the block buffer before the
            // outer one is written, so mac may be the scratch buffer itself.
            _hash.Final(_scratch, 0);
            _hash.Restore(_outer, Sha256.BlockLength);
            _hash.Update(_scratch, 0, Sha256.HashLength);
            _hash.Final(mac, offset);
            Begin();
        }

        /// <summary>The MAC of data[offset, +count) at mac[macOffset].</summary>
        public void Compute(byte[] data, int offset, int count, byte[] mac, int macOffset)
        {
            Begin();
            Update(data, offset, count);
            Final(mac, macOffset);
        }

        /// <summary>Whether mac[offset, +32) is the MAC of data, compared in constant time (a timing difference must not say how many bytes were right).</summary>
        public bool Verify(byte[] data, int offset, int count, byte[] mac, int macOffset)
        {
            Begin();
            Update(data, offset, count);
            Final(_scratch, 0);
            int difference = 0;
            for (int i = 0; i < MacLength; i++)
            {
                difference |= _scratch[i] ^ mac[macOffset + i];
            }

            return difference == 0;
        }
    }
}
