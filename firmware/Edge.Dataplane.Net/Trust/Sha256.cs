namespace Edge.Dataplane.Trust
{
    /// <summary>
    /// SHA-256 as FIPS 180-4 §6.2 specifies it, for HMAC on the management line (RFC 2104, RFC
    /// 4231). Incremental (<see cref="Update"/> any number of times, then <see cref="Final"/>) and
    /// without allocation once made: the message schedule is the 16-word window of §6.2.2 kept
    /// as a ring, so a hash costs 8 + 16 words and a 64-byte block of heap, not 64 words.
    /// </summary>
    public sealed class Sha256
    {
        public const int HashLength = 32;
        public const int BlockLength = 64;

        // §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64
        // primes. Made when the first hash is, not at boot: a board holds them only once it
        // has a key to use.
        private static uint[] s_k;

        private readonly uint[] _h = new uint[8];
        private readonly uint[] _w = new uint[16];
        private readonly byte[] _block = new byte[BlockLength];
        private int _blockCount;
        private long _length;

        public Sha256()
        {
            if (s_k == null)
            {
                s_k = new uint[]
                {
                    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
                    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
                    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
                    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
                    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
                    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
                    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
                    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
                };
            }

            Reset();
        }

        /// <summary>Starts a new message (§5.3.3: the initial hash value).</summary>
        public void Reset()
        {
            _h[0] = 0x6a09e667;
            _h[1] = 0xbb67ae85;
            _h[2] = 0x3c6ef372;
            _h[3] = 0xa54ff53a;
            _h[4] = 0x510e527f;
            _h[5] = 0x9b05688c;
            _h[6] = 0x1f83d9ab;
            _h[7] = 0x5be0cd19;
            _blockCount = 0;
            _length = 0;
        }

        /// <summary>Bytes processed since the last <see cref="Reset"/> or <see cref="Restore"/>.</summary>
        public long Length
        {
            get { return _length; }
        }

        public void Update(byte[] data, int offset, int count)
        {
            _length += count;
            while (count > 0)
            {
                if (_blockCount == 0 && count >= BlockLength)
                {
                    Compress(data, offset); // whole blocks straight from the caller's buffer
                    offset += BlockLength;
                    count -= BlockLength;
                    continue;
                }

                int n = BlockLength - _blockCount < count ? BlockLength - _blockCount : count;
                System.Array.Copy(data, offset, _block, _blockCount, n);
                _blockCount += n;
                offset += n;
                count -= n;
                if (_blockCount == BlockLength)
                {
                    Compress(_block, 0);
                    _blockCount = 0;
                }
            }
        }

        /// <summary>Pads the message (§5.1.1), writes the 32-byte digest at output[offset] and starts a new message.</summary>
        public void Final(byte[] output, int offset)
        {
            long bits = _length * 8;
            _block[_blockCount++] = 0x80;
            if (_blockCount > BlockLength - 8)
            {
                Zero(_blockCount, BlockLength);
                Compress(_block, 0);
                _blockCount = 0;
            }

            Zero(_blockCount, BlockLength - 8);
            for (int i = 0; i < 8; i++)
            {
                _block[BlockLength - 1 - i] = (byte)(bits >> (8 * i));
            }

            Compress(_block, 0);
            for (int i = 0; i < 8; i++)
            {
                uint h = _h[i];
                output[offset + 4 * i] = (byte)(h >> 24);
                output[offset + 4 * i + 1] = (byte)(h >> 16);
                output[offset + 4 * i + 2] = (byte)(h >> 8);
                output[offset + 4 * i + 3] = (byte)h;
            }

            Reset();
        }

        /// <summary>Copies the hash value after whole blocks (nothing buffered) into state[0..8): HMAC keeps its keyed pads this way.</summary>
        public void Save(uint[] state)
        {
            System.Array.Copy(_h, 0, state, 0, 8);
        }

        /// <summary>Continues from a saved hash value, as if <paramref name="length"/> bytes (whole blocks) had been processed.</summary>
        public void Restore(uint[] state, long length)
        {
            System.Array.Copy(state, 0, _h, 0, 8);
            _blockCount = 0;
            _length = length;
        }

        private void Zero(int from, int to)
        {
            for (int i = from; i < to; i++)
            {
                _block[i] = 0;
            }
        }

        // §6.2.2, with the schedule's 16-word window: W[t] for t >= 16 replaces W[t - 16].
        private void Compress(byte[] m, int at)
        {
            uint[] w = _w;
            uint[] k = s_k;
            for (int t = 0; t < 16; t++)
            {
                int i = at + 4 * t;
                w[t] = ((uint)m[i] << 24) | ((uint)m[i + 1] << 16) | ((uint)m[i + 2] << 8) | m[i + 3];
            }

            uint a = _h[0], b = _h[1], c = _h[2], d = _h[3], e = _h[4], f = _h[5], g = _h[6], h = _h[7];
            for (int t = 0; t < 64; t++)
            {
                uint wt;
                if (t < 16)
                {
                    wt = w[t];
                }
                else
                {
                    uint w15 = w[(t - 15) & 15];
                    uint w2 = w[(t - 2) & 15];
                    uint s0 = ((w15 >> 7) | (w15 << 25)) ^ ((w15 >> 18) | (w15 << 14)) ^ (w15 >> 3);   // σ0
                    uint s1 = ((w2 >> 17) | (w2 << 15)) ^ ((w2 >> 19) | (w2 << 13)) ^ (w2 >> 10);     // σ1
                    wt = w[t & 15] = s1 + w[(t - 7) & 15] + s0 + w[t & 15];
                }

                uint bigS1 = ((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7)); // Σ1
                uint ch = (e & f) ^ (~e & g);
                uint t1 = h + bigS1 + ch + k[t] + wt;
                uint bigS0 = ((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10)); // Σ0
                uint maj = (a & b) ^ (a & c) ^ (b & c);
                uint t2 = bigS0 + maj;
                h = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b;
                b = a;
                a = t1 + t2;
            }

            _h[0] += a;
            _h[1] += b;
            _h[2] += c;
            _h[3] += d;
            _h[4] += e;
            _h[5] += f;
            _h[6] += g;
            _h[7] += h;
        }
    }
}
