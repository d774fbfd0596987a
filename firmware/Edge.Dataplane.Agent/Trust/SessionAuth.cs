using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Trust
{
    /// <summary>
    /// One end (host or board) of an authenticated management session under the cluster's key K
    /// (32 bytes, kept in the board's flash and in the control plane's home):
    /// <code>
    /// board → host   Hello: ..., board nonce Nb (16 bytes, fresh per connection)
    /// host  → board  AuthProof: host nonce Nh, HMAC(K, 1 || Nb || Nh || A)
    /// board → host   AuthOk: HMAC(K, 2 || Nb || Nh || A)          (or AuthRefused, and the line closes)
    /// both           session key Ks = HMAC(K, 3 || Nb || Nh || A)
    /// then every frame's payload ends with | sequence number (4) | MAC (16) |, where
    /// MAC = HMAC-SHA256-128(Ks, direction || version .. payload body || sequence number)
    /// </code>
    /// A is the board's IPv4 address: the board's own, the one the host dialled, so a proof made
    /// for one board is no good at another (something at another address that forwards a
    /// connection to a board, without the key, gets a refusal, not the board). Each side proves it
    /// holds K on the other's fresh nonce, so an old handshake replayed gets nowhere; the session key is new per connection, so frames cannot be spliced from one
    /// session into another; the direction byte stops a frame being reflected back to its
    /// sender; the sequence numbers (each direction from 0, each frame exactly the next) stop
    /// replay, reordering and dropping within a session. The MAC is truncated to 128 bits as
    /// RFC 4868 §2.6 does for HMAC-SHA-256-128. Nothing is encrypted except a new key on
    /// <see cref="Wrap"/> and a state's TLS private keys (<see cref="WriteSecret"/>): the
    /// management line's contents are not secret, its authority is; those keys are both.
    /// One HMAC serves both keys (a board has no room for two), switched on use.
    /// </summary>
    public sealed class SessionAuth
    {
        public const int KeyLength = 32;
        public const int NonceLength = 16;
        public const int ProofLength = HmacSha256.MacLength;
        public const int SequenceLength = 4;
        public const int MacLength = 16;

        /// <summary>What an authenticated frame's payload carries after its body.</summary>
        public const int TrailerLength = SequenceLength + MacLength;

        /// <summary>Roles, and the direction byte of the frames each sends.</summary>
        public const byte Host = (byte)'H';
        public const byte Board = (byte)'B';

        // Labels keeping apart the values taken under the cluster key (and the wrap and the secrets' keystream under the session key).
        private const byte HostProofLabel = 1;
        private const byte BoardProofLabel = 2;
        private const byte SessionKeyLabel = 3;
        private const byte KeyIdLabel = 4;
        private const byte NonceLabel = 5;
        private const byte WrapLabel = 6;
        private const byte SecretLabel = 7;
        private const int HandshakeInput = 1 + 2 * NonceLength + 4;

        private readonly byte _role;
        private readonly byte[] _clusterKey = new byte[KeyLength];
        private readonly byte[] _sessionKey = new byte[KeyLength];
        private readonly byte[] _work = new byte[HandshakeInput];
        private readonly byte[] _mac = new byte[HmacSha256.MacLength];
        private readonly HmacSha256 _hmac;
        private bool _sessionKeyed;
        private uint _sent;
        private uint _received;
        private uint _nonces;

        /// <summary>Whether a session key is in use (after the handshake, until <see cref="End"/>).</summary>
        public bool Established;

        /// <summary>The first 32 bits of HMAC(K, 4): names the key (on the console, in errors) without saying anything about it.</summary>
        public uint KeyId;

        /// <summary>
        /// The board's IPv4 address, bound into the proofs and the session key (A above): a board
        /// sets its own (BoardSession does), a host the address it dialled.
        /// </summary>
        public uint Address;

        /// <summary>The board's boot count, kept in flash: mixed into its nonces, so they differ from every earlier boot's even where the random source repeats itself after a reset.</summary>
        public uint Boot;

        /// <summary>Frames refused: the MAC was wrong (tampered with, or another session's).</summary>
        public long BadMacs;

        /// <summary>Frames refused: the MAC was right but the sequence number was not the next one (replayed, reordered, or one was dropped).</summary>
        public long OutOfSequence;

        public SessionAuth(byte role, byte[] clusterKey, int offset)
        {
            _role = role;
            System.Array.Copy(clusterKey, offset, _clusterKey, 0, KeyLength);
            _hmac = new HmacSha256(_clusterKey, 0, KeyLength);
            TakeKeyId();
        }

        /// <summary>A new cluster key (rekey): later handshakes need it; a session already established keeps its session key.</summary>
        public void SetClusterKey(byte[] key, int offset)
        {
            System.Array.Copy(key, offset, _clusterKey, 0, KeyLength);
            _hmac.SetKey(_clusterKey, 0, KeyLength);
            _sessionKeyed = false;
            TakeKeyId();
        }

        /// <summary>A board's nonce for a new connection: HMAC(K, 5 || boot || count || 8 random bytes), first 16 bytes.</summary>
        public void NewNonce(IRandomSource random, byte[] nonce, int offset)
        {
            UseClusterKey();
            _work[0] = NonceLabel;
            NetworkOrder.WriteU32(_work, 1, Boot);
            NetworkOrder.WriteU32(_work, 5, ++_nonces);
            NetworkOrder.WriteU32(_work, 9, random.NextUInt32());
            NetworkOrder.WriteU32(_work, 13, random.NextUInt32());
            _hmac.Compute(_work, 0, 17, _mac, 0);
            System.Array.Copy(_mac, 0, nonce, offset, NonceLength);
        }

        /// <summary>The proof <paramref name="prover"/> (Host or Board) gives for these nonces, at proof[offset, +32).</summary>
        public void Prove(byte prover, byte[] boardNonce, int boardOffset, byte[] hostNonce, int hostOffset, byte[] proof, int offset)
        {
            UseClusterKey();
            Input(prover == Host ? HostProofLabel : BoardProofLabel, boardNonce, boardOffset, hostNonce, hostOffset);
            _hmac.Compute(_work, 0, HandshakeInput, proof, offset);
        }

        /// <summary>Whether proof[offset, +32) is <paramref name="prover"/>'s proof for these nonces (compared in constant time).</summary>
        public bool Check(byte prover, byte[] boardNonce, int boardOffset, byte[] hostNonce, int hostOffset, byte[] proof, int offset)
        {
            UseClusterKey();
            Input(prover == Host ? HostProofLabel : BoardProofLabel, boardNonce, boardOffset, hostNonce, hostOffset);
            return _hmac.Verify(_work, 0, HandshakeInput, proof, offset);
        }

        /// <summary>Both ends, once the proofs are through: the session key from the nonces, sequence numbers from 0.</summary>
        public void Establish(byte[] boardNonce, int boardOffset, byte[] hostNonce, int hostOffset)
        {
            UseClusterKey();
            Input(SessionKeyLabel, boardNonce, boardOffset, hostNonce, hostOffset);
            _hmac.Compute(_work, 0, HandshakeInput, _sessionKey, 0);
            _hmac.SetKey(_sessionKey, 0, KeyLength);
            _sessionKeyed = true;
            _sent = 0;
            _received = 0;
            Established = true;
        }

        /// <summary>The session is over (its line closed): its key is forgotten.</summary>
        public void End()
        {
            Established = false;
            for (int i = 0; i < KeyLength; i++)
            {
                _sessionKey[i] = 0;
            }

            UseClusterKey();
        }

        /// <summary>
        /// Seals a frame whose body is at b[offset + HeaderLength, +bodyLength): the sequence number
        /// and MAC after the body, then the header and CRC over all of it. The buffer needs
        /// <see cref="TrailerLength"/> bytes of room after the body. Returns the frame's length.
        /// </summary>
        public int Seal(byte[] b, int offset, byte type, ushort requestId, int bodyLength)
        {
            UseSessionKey();
            int payloadLength = bodyLength + TrailerLength;
            Frame.WriteHeader(b, offset, type, requestId, payloadLength);
            int sequenceAt = offset + Frame.HeaderLength + bodyLength;
            NetworkOrder.WriteU32(b, sequenceAt, _sent++);
            Mac(_role, b, offset, bodyLength);
            System.Array.Copy(_mac, 0, b, sequenceAt + SequenceLength, MacLength);
            return Frame.WriteCrc(b, offset, payloadLength);
        }

        /// <summary>
        /// Checks a received frame (its header at b[frameOffset], its payload <paramref name="payloadLength"/>
        /// bytes with the trailer): true when the peer's MAC is right and the sequence number is the
        /// next one; the body is then the payload's first payloadLength - <see cref="TrailerLength"/> bytes.
        /// </summary>
        public bool Open(byte[] b, int frameOffset, int payloadLength)
        {
            if (payloadLength < TrailerLength)
            {
                BadMacs++;
                return false;
            }

            UseSessionKey();
            int bodyLength = payloadLength - TrailerLength;
            int sequenceAt = frameOffset + Frame.HeaderLength + bodyLength;
            Mac(_role == Host ? Board : Host, b, frameOffset, bodyLength);
            int difference = 0;
            for (int i = 0; i < MacLength; i++)
            {
                difference |= _mac[i] ^ b[sequenceAt + SequenceLength + i];
            }

            if (difference != 0)
            {
                BadMacs++;
                return false;
            }

            // The last number is never taken: one more and the count would wrap to 0 and take a
            // replay of the session's first frame. The session ends there and a new handshake
            // (new nonces, a new session key) starts the numbers again.
            if (NetworkOrder.ReadU32(b, sequenceAt) != _received || _received == uint.MaxValue)
            {
                OutOfSequence++;
                return false;
            }

            _received++;
            return true;
        }

        /// <summary>
        /// A key XORed with HMAC(Ks, 6 || wrap nonce), the one secret the line carries (a rekey);
        /// the same call unwraps. Needs an established session; the wrap nonce must be fresh.
        /// </summary>
        public void Wrap(byte[] wrapNonce, int nonceOffset, byte[] key, int keyOffset, byte[] output, int outputOffset)
        {
            UseSessionKey();
            _work[0] = WrapLabel;
            System.Array.Copy(wrapNonce, nonceOffset, _work, 1, NonceLength);
            _hmac.Compute(_work, 0, 1 + NonceLength, _mac, 0);
            for (int i = 0; i < KeyLength; i++)
            {
                output[outputOffset + i] = (byte)(key[keyOffset + i] ^ _mac[i]);
            }
        }

        /// <summary>
        /// Writes <paramref name="secret"/> (a TLS private key) encrypted under the session key: a
        /// fresh random nonce N (16 bytes), then the secret XORed with the keystream
        /// HMAC(Ks, 7 || N || 0) || HMAC(Ks, 7 || N || 1) || ..., the block number 4 bytes
        /// big-endian. That is HMAC-SHA256 in counter mode, a stream cipher built on a PRF: it
        /// hides the bytes (not their length) and protects nothing of their integrity, which the
        /// frame's MAC gives (a changed byte fails <see cref="Open"/> before anything is decrypted).
        /// Needs an established session; <see cref="ReadSecret"/> is the other end.
        /// </summary>
        public void WriteSecret(PayloadWriter w, byte[] secret, IRandomSource random)
        {
            for (int i = 0; i < NonceLength; i += 4)
            {
                NetworkOrder.WriteU32(_work, 1 + i, random.NextUInt32());
            }

            w.Raw(_work, 1, NonceLength);
            int at = w.Position;
            w.Raw(secret, 0, secret.Length);
            if (w.Position - at == secret.Length)
            {
                Keystream(w.Buffer, at, secret.Length); // in place, in the payload
            }
        }

        /// <summary>
        /// Reads what <see cref="WriteSecret"/> wrote, the nonce then secret.Length bytes, and
        /// decrypts them in place in <paramref name="secret"/>: nothing allocated. False (and the
        /// reader Failed) when the payload is shorter.
        /// </summary>
        public bool ReadSecret(PayloadReader r, byte[] secret)
        {
            if (!r.Raw(_work, 1, NonceLength) || !r.Raw(secret, 0, secret.Length))
            {
                return false;
            }

            Keystream(secret, 0, secret.Length);
            return true;
        }

        /// <summary>The id of a key not in use (a kept key a board is asked about).</summary>
        public static uint KeyIdOf(byte[] key)
        {
            return new SessionAuth(Host, key, 0).KeyId;
        }

        /// <summary>The key id as the console and edgectl print it (8 hex digits).</summary>
        public static string Describe(uint keyId)
        {
            return keyId.ToString("x8");
        }

        private void TakeKeyId()
        {
            _work[0] = KeyIdLabel;
            _hmac.Compute(_work, 0, 1, _mac, 0);
            KeyId = NetworkOrder.ReadU32(_mac, 0);
        }

        private void Input(byte label, byte[] boardNonce, int boardOffset, byte[] hostNonce, int hostOffset)
        {
            _work[0] = label;
            System.Array.Copy(boardNonce, boardOffset, _work, 1, NonceLength);
            System.Array.Copy(hostNonce, hostOffset, _work, 1 + NonceLength, NonceLength);
            NetworkOrder.WriteU32(_work, 1 + 2 * NonceLength, Address);
        }

        // XORs b[offset, +length) with the keystream for the nonce at _work[1, +16) (WriteSecret).
        private void Keystream(byte[] b, int offset, int length)
        {
            UseSessionKey();
            _work[0] = SecretLabel;
            for (int block = 0; block * HmacSha256.MacLength < length; block++)
            {
                NetworkOrder.WriteU32(_work, 1 + NonceLength, (uint)block);
                _hmac.Compute(_work, 0, 1 + NonceLength + 4, _mac, 0);
                int at = offset + block * HmacSha256.MacLength;
                int end = offset + length;
                for (int i = 0; i < HmacSha256.MacLength && at + i < end; i++)
                {
                    b[at + i] ^= _mac[i];
                }
            }
        }

        private void Mac(byte direction, byte[] b, int frameOffset, int bodyLength)
        {
            _work[0] = direction;
            _hmac.Begin();
            _hmac.Update(_work, 0, 1);
            _hmac.Update(b, frameOffset + 2, Frame.HeaderLength - 2 + bodyLength + SequenceLength);
            _hmac.Final(_mac, 0);
        }

        private void UseClusterKey()
        {
            if (_sessionKeyed)
            {
                _hmac.SetKey(_clusterKey, 0, KeyLength);
                _sessionKeyed = false;
            }
        }

        private void UseSessionKey()
        {
            if (!_sessionKeyed)
            {
                _hmac.SetKey(_sessionKey, 0, KeyLength);
                _sessionKeyed = true;
            }
        }
    }
}
