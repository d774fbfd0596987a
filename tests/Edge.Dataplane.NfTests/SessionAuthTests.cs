#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Trust;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// The management line's authentication on the board's runtime: a handshake and sealed frames
    /// both ways, tampering and replay refused, a key wrapped and unwrapped, and one known-answer
    /// vector (computed with .NET's HMACSHA256 and Python's hmac) that pins the proofs, the
    /// session key, the key id, a nonce, the wrap and whole sealed frames to the same bytes the
    /// host computes.
    /// </summary>
    [TestClass]
    public class SessionAuthTests
    {
        private const int Body = 16;

        [TestMethod]
        public void A_handshake_then_three_sealed_frames_each_way()
        {
            SessionAuth host = new SessionAuth(SessionAuth.Host, Bytes(0, 32), 0);
            SessionAuth board = new SessionAuth(SessionAuth.Board, Bytes(0, 32), 0);
            byte[] nb = new byte[SessionAuth.NonceLength];
            board.NewNonce(new FixedRandom(3, 4), nb, 0);
            byte[] nh = Bytes(0x20, SessionAuth.NonceLength);
            byte[] proof = new byte[SessionAuth.ProofLength];

            host.Prove(SessionAuth.Host, nb, 0, nh, 0, proof, 0);
            Assert.IsTrue(board.Check(SessionAuth.Host, nb, 0, nh, 0, proof, 0), "the board takes the host's proof");
            board.Prove(SessionAuth.Board, nb, 0, nh, 0, proof, 0);
            Assert.IsTrue(host.Check(SessionAuth.Board, nb, 0, nh, 0, proof, 0), "the host takes the board's AuthOk");
            board.Establish(nb, 0, nh, 0);
            host.Establish(nb, 0, nh, 0);

            byte[] frame = new byte[FrameLength(100)];
            for (int i = 0; i < 3; i++)
            {
                int length = Seal(host, frame, 10 + 30 * i, i);
                Assert.IsTrue(board.Open(frame, 0, PayloadLength(length)), "host frame " + i.ToString());
                Assert.AreEqual((byte)(i * 3), frame[Frame.HeaderLength], "the body as sent");
                length = Seal(board, frame, 90 - 40 * i, 100 + i);
                Assert.IsTrue(host.Open(frame, 0, PayloadLength(length)), "board frame " + i.ToString());
            }

            Assert.AreEqual(0L, host.BadMacs + host.OutOfSequence + board.BadMacs + board.OutOfSequence);
        }

        [TestMethod]
        public void A_tampered_frame_is_refused()
        {
            SessionAuth host;
            SessionAuth board;
            Pair(out host, out board);
            byte[] frame = new byte[FrameLength(Body)];
            int payload = PayloadLength(Seal(host, frame, Body, 1));

            for (int i = 2; i < Frame.HeaderLength + payload; i++) // version through MAC
            {
                frame[i] ^= 0x10;
                Assert.IsFalse(board.Open(frame, 0, payload), "byte " + i.ToString() + " changed");
                frame[i] ^= 0x10;
            }

            Assert.AreEqual((long)(Frame.HeaderLength + payload - 2), board.BadMacs);
            Assert.IsTrue(board.Open(frame, 0, payload), "the frame as sealed");

            // A frame reflected back to its sender is refused too: the direction byte differs.
            payload = PayloadLength(Seal(board, frame, Body, 2));
            Assert.IsFalse(board.Open(frame, 0, payload), "the board's own frame");
            Assert.IsTrue(host.Open(frame, 0, payload));
        }

        [TestMethod]
        public void A_replayed_frame_is_refused()
        {
            SessionAuth host;
            SessionAuth board;
            Pair(out host, out board);
            byte[] first = new byte[FrameLength(Body)];
            byte[] second = new byte[FrameLength(Body)];
            int payload = PayloadLength(Seal(host, first, Body, 1));
            Seal(host, second, Body, 2);

            Assert.IsTrue(board.Open(first, 0, payload));
            Assert.IsFalse(board.Open(first, 0, payload), "replayed");
            Assert.AreEqual(1L, board.OutOfSequence);
            Assert.AreEqual(0L, board.BadMacs);
            Assert.IsTrue(board.Open(second, 0, payload));
            Assert.IsFalse(board.Open(second, 0, payload), "replayed");
            Assert.AreEqual(2L, board.OutOfSequence);
        }

        [TestMethod]
        public void A_key_wrapped_on_one_side_unwraps_on_the_other()
        {
            SessionAuth host;
            SessionAuth board;
            Pair(out host, out board);
            byte[] newKey = Bytes(0x60, SessionAuth.KeyLength);
            byte[] wrapNonce = Bytes(0x50, SessionAuth.NonceLength);
            byte[] wrapped = new byte[SessionAuth.KeyLength];
            byte[] unwrapped = new byte[SessionAuth.KeyLength];

            host.Wrap(wrapNonce, 0, newKey, 0, wrapped, 0);
            board.Wrap(wrapNonce, 0, wrapped, 0, unwrapped, 0);

            Assert.AreEqual(Hex(newKey, 0, newKey.Length), Hex(unwrapped, 0, unwrapped.Length));
            Assert.AreNotEqual(Hex(newKey, 0, newKey.Length), Hex(wrapped, 0, wrapped.Length));

            // The new key serves the next handshake; the session goes on under its own key.
            board.SetClusterKey(unwrapped, 0);
            byte[] frame = new byte[FrameLength(Body)];
            Assert.IsTrue(board.Open(frame, 0, PayloadLength(Seal(host, frame, Body, 3))));
            Assert.AreEqual(new SessionAuth(SessionAuth.Host, newKey, 0).KeyId, board.KeyId);
        }

        [TestMethod]
        public void A_proof_for_one_boards_address_is_no_good_at_another()
        {
            byte[] key = Bytes(0x44, SessionAuth.KeyLength);
            SessionAuth host = new SessionAuth(SessionAuth.Host, key, 0);
            SessionAuth board = new SessionAuth(SessionAuth.Board, key, 0);
            host.Address = 0xC0A83212; // what the host dialled: a forwarder's address
            board.Address = 0xC0A83211;
            byte[] nb = Bytes(0x10, SessionAuth.NonceLength);
            byte[] nh = Bytes(0x20, SessionAuth.NonceLength);
            byte[] proof = new byte[SessionAuth.ProofLength];
            host.Prove(SessionAuth.Host, nb, 0, nh, 0, proof, 0);
            Assert.IsFalse(board.Check(SessionAuth.Host, nb, 0, nh, 0, proof, 0));
            host.Address = board.Address;
            host.Prove(SessionAuth.Host, nb, 0, nh, 0, proof, 0);
            Assert.IsTrue(board.Check(SessionAuth.Host, nb, 0, nh, 0, proof, 0));
        }

        [TestMethod]
        public void The_known_answers_for_K_0_to_31_Nb_0x10_and_Nh_0x20()
        {
            byte[] k = Bytes(0, SessionAuth.KeyLength);
            byte[] nb = Bytes(0x10, SessionAuth.NonceLength);
            byte[] nh = Bytes(0x20, SessionAuth.NonceLength);
            SessionAuth host = new SessionAuth(SessionAuth.Host, k, 0);
            SessionAuth board = new SessionAuth(SessionAuth.Board, k, 0);
            host.Address = 0xC0A83211; // A: the board's address, 192.168.50.17, dialled by the host
            board.Address = 0xC0A83211;

            Assert.AreEqual("8e77c2f0", SessionAuth.Describe(board.KeyId), "key id: HMAC(K, 4), first 4 bytes");
            board.Boot = 7;
            byte[] nonce = new byte[SessionAuth.NonceLength];
            board.NewNonce(new FixedRandom(0x01020304, 0x05060708), nonce, 0);
            Assert.AreEqual("101d8636cc31131c8a69231b3f01701a", Hex(nonce, 0, nonce.Length), "nonce: HMAC(K, 5 || boot 7 || count 1 || random)");

            byte[] proof = new byte[SessionAuth.ProofLength];
            host.Prove(SessionAuth.Host, nb, 0, nh, 0, proof, 0);
            Assert.AreEqual("33d2360a715e16bb40d5afc412886ea561599b239988d5af0631073c586d431c", Hex(proof, 0, proof.Length), "host proof: HMAC(K, 1 || Nb || Nh || A)");
            Assert.IsTrue(board.Check(SessionAuth.Host, nb, 0, nh, 0, proof, 0));
            board.Prove(SessionAuth.Board, nb, 0, nh, 0, proof, 0);
            Assert.AreEqual("b5612df6da0375952d848b259048e45358a83846225ffb13fd2c396d5eafca68", Hex(proof, 0, proof.Length), "board proof: HMAC(K, 2 || Nb || Nh || A)");
            Assert.IsTrue(host.Check(SessionAuth.Board, nb, 0, nh, 0, proof, 0));

            // The session key itself stays inside SessionAuth: its derivation here, its use in the frames below.
            byte[] input = new byte[1 + 2 * SessionAuth.NonceLength + 4];
            input[0] = 3;
            System.Array.Copy(nb, 0, input, 1, SessionAuth.NonceLength);
            System.Array.Copy(nh, 0, input, 1 + SessionAuth.NonceLength, SessionAuth.NonceLength);
            input[33] = 0xC0;
            input[34] = 0xA8;
            input[35] = 0x32;
            input[36] = 0x11;
            byte[] ks = new byte[HmacSha256.MacLength];
            new HmacSha256(k, 0, k.Length).Compute(input, 0, input.Length, ks, 0);
            Assert.AreEqual("4c8b8cb09522764485f23d113eca3658811dcfc79f95d6511f5dc7066db4539b", Hex(ks, 0, ks.Length), "session key: HMAC(K, 3 || Nb || Nh || A)");

            host.Establish(nb, 0, nh, 0);
            board.Establish(nb, 0, nh, 0);
            // | 'E' 'g' | 1 | type 4 | id 0102 | length 0024 | body 40..4f | seq | MAC: HMAC(Ks, 'H' or 'B' || 01 .. seq), 16 bytes | CRC-32 |
            byte[] frame = new byte[FrameLength(Body)];
            int length = SealFixed(host, frame);
            Assert.AreEqual("4567010401020024404142434445464748494a4b4c4d4e4f000000002a2a6c08d946a41bb32f498a37988f88ad8ea9e1", Hex(frame, 0, length), "the host's first frame");
            Assert.IsTrue(board.Open(frame, 0, PayloadLength(length)));
            length = SealFixed(board, frame);
            Assert.AreEqual("4567010401020024404142434445464748494a4b4c4d4e4f000000002dba2d0c844f5121bed08820f41bdae14f47ab9c", Hex(frame, 0, length), "the board's first frame");
            Assert.IsTrue(host.Open(frame, 0, PayloadLength(length)));
            length = SealFixed(host, frame);
            Assert.AreEqual("4567010401020024404142434445464748494a4b4c4d4e4f00000001a00cef2e8add00cc38f97d9bd0b3716cf3179718", Hex(frame, 0, length), "the host's second frame");
            Assert.IsTrue(board.Open(frame, 0, PayloadLength(length)));

            byte[] wrapped = new byte[SessionAuth.KeyLength];
            host.Wrap(Bytes(0x50, SessionAuth.NonceLength), 0, Bytes(0x60, SessionAuth.KeyLength), 0, wrapped, 0);
            Assert.AreEqual("257d5419de765a0094bd7080b04b343506ec47426e02db17f97a9d46799b82d0", Hex(wrapped, 0, wrapped.Length), "key 60..7f XOR HMAC(Ks, 6 || 50..5f)");
        }

        private static void Pair(out SessionAuth host, out SessionAuth board)
        {
            byte[] key = Bytes(0x33, SessionAuth.KeyLength);
            host = new SessionAuth(SessionAuth.Host, key, 0);
            board = new SessionAuth(SessionAuth.Board, key, 0);
            byte[] nb = Bytes(0x10, SessionAuth.NonceLength);
            byte[] nh = Bytes(0x20, SessionAuth.NonceLength);
            host.Establish(nb, 0, nh, 0);
            board.Establish(nb, 0, nh, 0);
        }

        /// <summary>Seals body bytes seed*3, seed*3+1, ... at frame[HeaderLength]; the frame's length.</summary>
        private static int Seal(SessionAuth sender, byte[] frame, int bodyLength, int seed)
        {
            for (int i = 0; i < bodyLength; i++)
            {
                frame[Frame.HeaderLength + i] = (byte)(seed * 3 + i);
            }

            return sender.Seal(frame, 0, MessageType.Heartbeat, (ushort)seed, bodyLength);
        }

        private static int SealFixed(SessionAuth sender, byte[] frame)
        {
            System.Array.Copy(Bytes(0x40, Body), 0, frame, Frame.HeaderLength, Body);
            return sender.Seal(frame, 0, 4, 0x0102, Body);
        }

        private static int FrameLength(int bodyLength)
        {
            return Frame.HeaderLength + bodyLength + SessionAuth.TrailerLength + Frame.TrailerLength;
        }

        private static int PayloadLength(int frameLength)
        {
            return frameLength - Frame.HeaderLength - Frame.TrailerLength;
        }

        /// <summary>first, first + 1, ... (count bytes).</summary>
        private static byte[] Bytes(int first, int count)
        {
            byte[] bytes = new byte[count];
            for (int i = 0; i < count; i++)
            {
                bytes[i] = (byte)(first + i);
            }

            return bytes;
        }

        private static string Hex(byte[] bytes, int offset, int count)
        {
            const string digits = "0123456789abcdef";
            char[] text = new char[count * 2];
            for (int i = 0; i < count; i++)
            {
                text[2 * i] = digits[bytes[offset + i] >> 4];
                text[2 * i + 1] = digits[bytes[offset + i] & 0xF];
            }

            return new string(text);
        }
    }
}
