using System.Buffers.Binary;
using System.Reflection;
using System.Security.Cryptography;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Trust;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Trust;

/// <summary>
/// The management line's authentication (SessionAuth) as its specification says: a host and a
/// board holding the same cluster key K prove it to each other on fresh nonces and agree on a
/// session key Ks = HMAC(K, 3 || Nb || Nh || A), A the board's address; every frame then carries
/// <c>body | seq (4, big-endian) | MAC (16)</c>, the MAC being the first 16 bytes of
/// HMAC(Ks, direction || frame bytes from the version through seq). Tampering, replay,
/// reordering, reflection and splicing from another session are all refused; a secret (a TLS
/// key in a state) goes encrypted, HMAC(Ks, 7 || nonce || block) in counter mode; the wire format
/// is pinned against .NET's own HMACSHA256.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class SessionAuthTests
{
    private const int At = 3; // frames start inside their buffer, as they do in a session's send buffer

    private static byte[] Key(int seed)
    {
        byte[] key = new byte[SessionAuth.KeyLength];
        new Random(seed).NextBytes(key);
        return key;
    }

    private static byte[] Nonce(int seed)
    {
        byte[] nonce = new byte[SessionAuth.NonceLength];
        new Random(seed).NextBytes(nonce);
        return nonce;
    }

    /// <summary>A random source that repeats itself after every reset: the same numbers, always.</summary>
    private sealed class StuckRandom(params uint[] numbers) : IRandomSource
    {
        private int _next;

        public uint NextUInt32() => numbers[_next++ % numbers.Length];
    }

    /// <summary>A host and a board under <paramref name="key"/> through the whole handshake, as the line does it.</summary>
    private static (SessionAuth Host, SessionAuth Board, byte[] Nb, byte[] Nh) Handshake(byte[] key, int seed = 1)
    {
        var host = new SessionAuth(SessionAuth.Host, key, 0);
        var board = new SessionAuth(SessionAuth.Board, key, 0);
        byte[] nb = new byte[SessionAuth.NonceLength];
        board.NewNonce(new StuckRandom((uint)seed, (uint)seed * 7919), nb, 0);
        byte[] nh = Nonce(seed);

        byte[] hostProof = new byte[SessionAuth.ProofLength];
        host.Prove(SessionAuth.Host, nb, 0, nh, 0, hostProof, 0);
        Assert.True(board.Check(SessionAuth.Host, nb, 0, nh, 0, hostProof, 0), "the board takes the host's proof");
        byte[] boardProof = new byte[SessionAuth.ProofLength];
        board.Prove(SessionAuth.Board, nb, 0, nh, 0, boardProof, 0);
        Assert.True(host.Check(SessionAuth.Board, nb, 0, nh, 0, boardProof, 0), "the host takes the board's proof");

        board.Establish(nb, 0, nh, 0);
        host.Establish(nb, 0, nh, 0);
        Assert.True(host.Established && board.Established);
        return (host, board, nb, nh);
    }

    /// <summary>A sealed frame at buffer[At] with <paramref name="bodyLength"/> body bytes from <paramref name="seed"/>; its buffer and length.</summary>
    private static (byte[] Buffer, int Length) Sealed(SessionAuth sender, int bodyLength, int seed, byte type = MessageType.Heartbeat, ushort requestId = 0)
    {
        byte[] buffer = new byte[At + Frame.HeaderLength + bodyLength + SessionAuth.TrailerLength + Frame.TrailerLength + 5];
        Body(bodyLength, seed).CopyTo(buffer, At + Frame.HeaderLength);
        int length = sender.Seal(buffer, At, type, requestId, bodyLength);
        return (buffer, length);
    }

    private static byte[] Body(int length, int seed)
    {
        byte[] body = new byte[length];
        new Random(seed).NextBytes(body);
        return body;
    }

    private static int PayloadLength(int frameLength) => frameLength - Frame.HeaderLength - Frame.TrailerLength;

    private static bool Open(SessionAuth receiver, (byte[] Buffer, int Length) frame) => receiver.Open(frame.Buffer, At, PayloadLength(frame.Length));

    [Fact]
    public void A_host_and_a_board_with_the_same_key_agree_on_the_session_in_both_directions_for_many_frames()
    {
        var (host, board, _, _) = Handshake(Key(1));

        for (int i = 0; i < 200; i++)
        {
            int bodyLength = (i * 37) % 300;
            var down = Sealed(host, bodyLength, i, MessageType.Snapshot, (ushort)i);
            Assert.Equal(Frame.HeaderLength + bodyLength + SessionAuth.TrailerLength + Frame.TrailerLength, down.Length);
            Assert.True(Open(board, down), $"host frame {i}");
            Assert.Equal(Body(bodyLength, i), down.Buffer.AsSpan(At + Frame.HeaderLength, bodyLength).ToArray());

            // The board answers some frames with more than one: the two directions count apart.
            for (int k = 0; k < 1 + i % 3; k++)
            {
                var up = Sealed(board, (bodyLength + k) % 97, 1000 * k + i, MessageType.Ack, (ushort)i);
                Assert.True(Open(host, up), $"board frame {i}.{k}");
            }
        }

        Assert.Equal((0L, 0L, 0L, 0L), (host.BadMacs, host.OutOfSequence, board.BadMacs, board.OutOfSequence));
    }

    [Fact]
    public void A_sealed_frame_is_a_whole_frame_whose_CRC_covers_the_trailer()
    {
        var (host, _, _, _) = Handshake(Key(2));
        var (b, length) = Sealed(host, 10, 2, MessageType.Snapshot, 0x1234);

        Assert.Equal((Frame.Magic1, Frame.Magic2, Frame.Version, MessageType.Snapshot), (b[At], b[At + 1], b[At + 2], b[At + 3]));
        Assert.Equal(0x1234, NetworkOrder.ReadU16(b, At + 4));
        Assert.Equal(10 + SessionAuth.TrailerLength, NetworkOrder.ReadU16(b, At + 6));
        Assert.Equal(Crc32.Compute(b, At + 2, length - 2 - Frame.TrailerLength), NetworkOrder.ReadU32(b, At + length - Frame.TrailerLength));
    }

    [Fact]
    public void A_proof_under_another_key_fails_Check()
    {
        byte[] nb = Nonce(10), nh = Nonce(11);
        var board = new SessionAuth(SessionAuth.Board, Key(3), 0);
        var impostor = new SessionAuth(SessionAuth.Host, Key(4), 0);
        byte[] proof = new byte[SessionAuth.ProofLength];

        impostor.Prove(SessionAuth.Host, nb, 0, nh, 0, proof, 0);
        Assert.False(board.Check(SessionAuth.Host, nb, 0, nh, 0, proof, 0));

        // ... and the other way: a board under another key cannot pass itself off to the host.
        var host = new SessionAuth(SessionAuth.Host, Key(3), 0);
        var otherBoard = new SessionAuth(SessionAuth.Board, Key(4), 0);
        otherBoard.Prove(SessionAuth.Board, nb, 0, nh, 0, proof, 0);
        Assert.False(host.Check(SessionAuth.Board, nb, 0, nh, 0, proof, 0));
    }

    [Fact]
    public void A_proof_holds_only_for_its_own_nonces_and_every_bit_of_it_counts()
    {
        byte[] key = Key(5), nb = Nonce(12), nh = Nonce(13);
        var host = new SessionAuth(SessionAuth.Host, key, 0);
        var board = new SessionAuth(SessionAuth.Board, key, 0);
        byte[] proof = new byte[SessionAuth.ProofLength + 4];
        host.Prove(SessionAuth.Host, nb, 0, nh, 0, proof, 4); // at an offset, checked there
        Assert.True(board.Check(SessionAuth.Host, nb, 0, nh, 0, proof, 4));

        Assert.False(board.Check(SessionAuth.Host, Nonce(14), 0, nh, 0, proof, 4), "another board nonce (an old handshake replayed)");
        Assert.False(board.Check(SessionAuth.Host, nb, 0, Nonce(15), 0, proof, 4), "another host nonce");
        Assert.False(board.Check(SessionAuth.Host, nh, 0, nb, 0, proof, 4), "the nonces swapped");
        for (int bit = 0; bit < 8 * SessionAuth.ProofLength; bit++)
        {
            proof[4 + bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(board.Check(SessionAuth.Host, nb, 0, nh, 0, proof, 4), $"bit {bit}");
            proof[4 + bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }

    [Fact]
    public void A_boards_proof_is_not_a_hosts()
    {
        byte[] key = Key(6), nb = Nonce(16), nh = Nonce(17);
        var host = new SessionAuth(SessionAuth.Host, key, 0);
        var board = new SessionAuth(SessionAuth.Board, key, 0);
        byte[] hostProof = new byte[SessionAuth.ProofLength];
        byte[] boardProof = new byte[SessionAuth.ProofLength];
        host.Prove(SessionAuth.Host, nb, 0, nh, 0, hostProof, 0);
        board.Prove(SessionAuth.Board, nb, 0, nh, 0, boardProof, 0);

        Assert.NotEqual(hostProof, boardProof);
        // A board's AuthOk sent back to it as an AuthProof (or a host's proof taken as the board's) is refused.
        Assert.False(board.Check(SessionAuth.Host, nb, 0, nh, 0, boardProof, 0));
        Assert.False(host.Check(SessionAuth.Board, nb, 0, nh, 0, hostProof, 0));
        // A proof is the prover's role's, not the computing side's: either end computes the other's the same.
        byte[] again = new byte[SessionAuth.ProofLength];
        board.Prove(SessionAuth.Host, nb, 0, nh, 0, again, 0);
        Assert.Equal(hostProof, again);
    }

    [Fact]
    public void Every_single_bit_flip_of_a_sealed_frame_from_the_version_through_the_MAC_fails_Open()
    {
        var (host, board, _, _) = Handshake(Key(7));
        Assert.True(Open(board, Sealed(host, 5, 1)));
        var frame = Sealed(host, 23, 2, MessageType.Snapshot, 0x0a0b);
        int payloadLength = PayloadLength(frame.Length);
        // The magic (bytes 0-1) is the frame reader's to check; the MAC covers the version onward,
        // the payload length included, up to the CRC (the reader's too).
        int first = At + 2, end = At + Frame.HeaderLength + payloadLength;
        int flips = 0;
        for (int i = first; i < end; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                frame.Buffer[i] ^= (byte)(1 << bit);
                Assert.False(board.Open(frame.Buffer, At, payloadLength), $"byte {i - At} bit {bit}");
                frame.Buffer[i] ^= (byte)(1 << bit);
                flips++;
            }
        }

        Assert.Equal((long)flips, board.BadMacs);
        Assert.Equal(0, board.OutOfSequence);
        Assert.True(board.Open(frame.Buffer, At, payloadLength), "the frame as sealed, after all the refusals");
        Assert.True(Open(board, Sealed(host, 0, 3)), "and the session goes on");
    }

    [Fact]
    public void A_frame_cut_short_or_too_short_for_a_trailer_fails_Open()
    {
        var (host, board, _, _) = Handshake(Key(8));
        var frame = Sealed(host, 12, 4);

        Assert.False(board.Open(frame.Buffer, At, PayloadLength(frame.Length) - 1));
        Assert.False(board.Open(frame.Buffer, At, SessionAuth.TrailerLength - 1));
        Assert.False(board.Open(frame.Buffer, At, 0));
        Assert.Equal(3, board.BadMacs);
        Assert.True(Open(board, frame));
    }

    [Fact]
    public void A_replayed_frame_and_a_reordered_pair_fail_as_out_of_sequence()
    {
        var (host, board, _, _) = Handshake(Key(9));
        var f0 = Sealed(host, 8, 0);
        var f1 = Sealed(host, 8, 1);
        var f2 = Sealed(host, 8, 2);
        var f3 = Sealed(host, 8, 3);
        var f4 = Sealed(host, 8, 4);

        Assert.True(Open(board, f0));
        Assert.False(Open(board, f0), "f0 replayed");
        Assert.Equal(1, board.OutOfSequence);

        Assert.False(Open(board, f2), "f2 before f1");
        Assert.Equal(2, board.OutOfSequence);
        Assert.True(Open(board, f1));
        Assert.False(Open(board, f1), "f1 replayed after the reordering");
        Assert.Equal(3, board.OutOfSequence);

        Assert.True(Open(board, f2));
        Assert.False(Open(board, f4), "f3 dropped");
        Assert.Equal(4, board.OutOfSequence);
        Assert.Equal(0, board.BadMacs);
        Assert.True(Open(board, f3));
        Assert.True(Open(board, f4));
    }

    [Fact]
    public void The_sequence_numbers_never_wrap_the_session_ends_before_its_first_frame_could_be_replayed()
    {
        var (host, board, _, _) = Handshake(Key(10));
        var first = Sealed(host, 8, 0);
        Assert.True(Open(board, first));
        // Four billion frames on: both counters just short of the last number (set by reflection;
        // sending them would take a board weeks).
        FieldInfo sent = typeof(SessionAuth).GetField("_sent", BindingFlags.NonPublic | BindingFlags.Instance)!;
        FieldInfo received = typeof(SessionAuth).GetField("_received", BindingFlags.NonPublic | BindingFlags.Instance)!;
        sent.SetValue(host, uint.MaxValue - 1);
        received.SetValue(board, uint.MaxValue - 1);

        Assert.True(Open(board, Sealed(host, 8, 1)), "number 2^32 - 2 is taken");
        var last = Sealed(host, 8, 2);
        Assert.Equal(uint.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(last.Buffer.AsSpan(At + Frame.HeaderLength + 8)));
        Assert.False(Open(board, last), "2^32 - 1 is not: after it the count would wrap");
        Assert.False(Open(board, first), "and the first frame is no good again");
        Assert.Equal(2, board.OutOfSequence);
    }

    [Fact]
    public void A_frame_reflected_back_to_its_sender_fails()
    {
        var (host, board, _, _) = Handshake(Key(10));

        // Each side's first frame has sequence number 0, the number its own receiving side expects:
        // only the direction byte tells the frame from one the peer sent.
        Assert.False(Open(host, Sealed(host, 16, 1)), "the host's frame back to the host");
        Assert.False(Open(board, Sealed(board, 16, 2)), "the board's frame back to the board");
        Assert.Equal((1L, 1L), (host.BadMacs, board.BadMacs));
    }

    [Fact]
    public void A_frame_from_another_session_under_the_same_key_fails()
    {
        byte[] key = Key(11);
        var (hostA, boardA, nbA, _) = Handshake(key, seed: 1);
        var (hostB, boardB, nbB, _) = Handshake(key, seed: 2);
        Assert.NotEqual(nbA, nbB);

        // Same key, same sequence numbers, same bodies: only the session key differs.
        var fromHostA = Sealed(hostA, 16, 5);
        var fromBoardB = Sealed(boardB, 16, 6);
        Assert.False(Open(boardB, fromHostA), "session A's host frame into session B");
        Assert.False(Open(hostA, fromBoardB), "session B's board frame into session A");
        Assert.Equal((1L, 1L), (boardB.BadMacs, hostA.BadMacs));
        Assert.True(Open(boardA, fromHostA), "in its own session");
        Assert.True(Open(hostB, fromBoardB), "in its own session");
    }

    [Fact]
    public void A_session_once_ended_opens_none_of_its_frames()
    {
        var (host, board, _, _) = Handshake(Key(12));
        var frame = Sealed(host, 16, 1);

        board.End();

        Assert.False(board.Established);
        Assert.False(Open(board, frame));
    }

    [Fact]
    public void Wrap_on_one_side_and_again_on_the_other_gives_the_key_back_and_the_wrapped_bytes_are_not_the_key()
    {
        var (host, board, _, _) = Handshake(Key(13));
        byte[] newKey = Key(14), wrapNonce = Nonce(18);
        byte[] wrapped = new byte[SessionAuth.KeyLength + 2];
        byte[] unwrapped = new byte[SessionAuth.KeyLength];

        host.Wrap(wrapNonce, 0, newKey, 0, wrapped, 2);
        board.Wrap(wrapNonce, 0, wrapped, 2, unwrapped, 0);

        Assert.Equal(newKey, unwrapped);
        byte[] onTheLine = wrapped[2..];
        Assert.NotEqual(newKey, onTheLine);
        Assert.True(newKey.Zip(onTheLine).Count(p => p.First == p.Second) < 8, "the wrap changes (nearly) every byte");

        // Another wrap nonce wraps differently; another session's end unwraps to something else.
        byte[] otherWrap = new byte[SessionAuth.KeyLength];
        host.Wrap(Nonce(19), 0, newKey, 0, otherWrap, 0);
        Assert.NotEqual(onTheLine, otherWrap);
        var (_, otherBoard, _, _) = Handshake(Key(13), seed: 9);
        otherBoard.Wrap(wrapNonce, 0, onTheLine, 0, unwrapped, 0);
        Assert.NotEqual(newKey, unwrapped);

        // Wrapping between frames leaves the session as it was.
        Assert.True(Open(board, Sealed(host, 4, 1)));
        Assert.True(Open(host, Sealed(board, 4, 2)));
    }

    [Fact]
    public void KeyId_differs_between_keys_is_stable_and_follows_a_new_cluster_key()
    {
        byte[] k1 = Key(15), k2 = Key(16);
        var a = new SessionAuth(SessionAuth.Host, k1, 0);
        var b = new SessionAuth(SessionAuth.Board, k1, 0);
        var c = new SessionAuth(SessionAuth.Board, k2, 0);

        Assert.Equal(a.KeyId, b.KeyId);
        Assert.NotEqual(a.KeyId, c.KeyId);
        Assert.Equal(Convert.ToHexStringLower(Hmac(k1, [4]).AsSpan(0, 4)), SessionAuth.Describe(a.KeyId));

        var (host, board, _, _) = Handshake(k1);
        Assert.Equal(a.KeyId, host.KeyId);
        board.End();
        Assert.Equal(a.KeyId, board.KeyId);

        host.SetClusterKey(k2, 0);
        Assert.Equal(c.KeyId, host.KeyId);
        Assert.Equal(8, SessionAuth.Describe(0x0000abcd).Length);
        Assert.Equal("0000abcd", SessionAuth.Describe(0x0000abcd));
    }

    [Fact]
    public void A_new_cluster_key_keeps_the_session_and_takes_the_next_handshake()
    {
        byte[] k1 = Key(17), k2 = Key(18);
        var (host, board, _, _) = Handshake(k1);

        host.SetClusterKey(k2, 0);
        board.SetClusterKey(k2, 0);

        Assert.True(Open(board, Sealed(host, 30, 1)), "the established session keeps its session key");
        Assert.True(Open(host, Sealed(board, 30, 2)));

        byte[] nb = Nonce(20), nh = Nonce(21), proof = new byte[SessionAuth.ProofLength];
        new SessionAuth(SessionAuth.Host, k1, 0).Prove(SessionAuth.Host, nb, 0, nh, 0, proof, 0);
        Assert.False(board.Check(SessionAuth.Host, nb, 0, nh, 0, proof, 0), "the old key no longer gets in");
        host.Prove(SessionAuth.Host, nb, 0, nh, 0, proof, 0);
        Assert.True(board.Check(SessionAuth.Host, nb, 0, nh, 0, proof, 0), "the new one does");
        Assert.True(Open(board, Sealed(host, 30, 3)), "and the session goes on across the cluster-key work");
    }

    [Fact]
    public void A_candidates_handshake_between_a_sessions_frames_leaves_the_session_as_it_was()
    {
        // The board keeps its session while a new connection proves itself: one HMAC, switched between K and Ks.
        byte[] key = Key(19);
        var (host, board, _, _) = Handshake(key);
        var candidate = new SessionAuth(SessionAuth.Host, key, 0);
        var random = new StuckRandom(5, 6);
        byte[] nb = new byte[SessionAuth.NonceLength], nh = Nonce(22), proof = new byte[SessionAuth.ProofLength];

        for (int i = 0; i < 5; i++)
        {
            var down = Sealed(host, 20, i);
            board.NewNonce(random, nb, 0);
            Assert.True(Open(board, down), $"frame {i} after a nonce");
            candidate.Prove(SessionAuth.Host, nb, 0, nh, 0, proof, 0);
            var up = Sealed(board, 20, 100 + i);
            Assert.True(board.Check(SessionAuth.Host, nb, 0, nh, 0, proof, 0));
            Assert.True(Open(host, up), $"frame {i} sealed before a check");
            board.Prove(SessionAuth.Board, nb, 0, nh, 0, proof, 0);
            Assert.True(Open(host, Sealed(board, 3, 200 + i)), $"frame {i} after a proof");
        }
    }

    [Fact]
    public void NewNonce_never_repeats_across_reboots_with_a_random_source_that_always_says_the_same()
    {
        byte[] key = Key(20);
        var seen = new HashSet<string>();
        for (uint boot = 1; boot <= 50; boot++)
        {
            var board = new SessionAuth(SessionAuth.Board, key, 0) { Boot = boot };
            var random = new StuckRandom(0xdeadbeef, 0x01234567);
            for (int connection = 0; connection < 20; connection++)
            {
                byte[] nonce = new byte[SessionAuth.NonceLength + 3];
                board.NewNonce(random, nonce, 3);
                Assert.True(seen.Add(Convert.ToHexString(nonce, 3, SessionAuth.NonceLength)), $"boot {boot} connection {connection} repeats a nonce");
                Assert.Equal(new byte[3], nonce[..3]);
            }
        }

        // What the boot count is for: without it (the same Boot after a reset), the same random
        // numbers give the same nonces again.
        byte[] first = new byte[SessionAuth.NonceLength], again = new byte[SessionAuth.NonceLength];
        new SessionAuth(SessionAuth.Board, key, 0) { Boot = 7 }.NewNonce(new StuckRandom(1, 2), first, 0);
        new SessionAuth(SessionAuth.Board, key, 0) { Boot = 7 }.NewNonce(new StuckRandom(1, 2), again, 0);
        Assert.Equal(first, again);
    }

    [Fact]
    public void NewNonce_is_HMAC_of_K_over_its_label_the_boot_a_count_and_eight_random_bytes()
    {
        byte[] key = Key(21);
        var board = new SessionAuth(SessionAuth.Board, key, 0) { Boot = 0x01020304 };
        var random = new StuckRandom(0xa1a2a3a4, 0xb1b2b3b4);
        byte[] nonce = new byte[SessionAuth.NonceLength];
        for (uint count = 1; count <= 3; count++)
        {
            board.NewNonce(random, nonce, 0);
            byte[] input = [5, 1, 2, 3, 4, .. BigEndian(count), 0xa1, 0xa2, 0xa3, 0xa4, 0xb1, 0xb2, 0xb3, 0xb4];
            Assert.Equal(Hmac(key, input)[..SessionAuth.NonceLength], nonce);
        }
    }

    [Fact]
    public void The_proofs_session_key_and_MACs_are_what_dotnets_HMACSHA256_computes()
    {
        byte[] key = Key(22);
        var (host, board, nb, nh) = Handshake(key, seed: 3);
        byte[] hostProof = new byte[SessionAuth.ProofLength], boardProof = new byte[SessionAuth.ProofLength];
        host.Prove(SessionAuth.Host, nb, 0, nh, 0, hostProof, 0);
        board.Prove(SessionAuth.Board, nb, 0, nh, 0, boardProof, 0);
        Assert.Equal(Hmac(key, [1, .. nb, .. nh, 0, 0, 0, 0]), hostProof);
        Assert.Equal(Hmac(key, [2, .. nb, .. nh, 0, 0, 0, 0]), boardProof);

        byte[] ks = Hmac(key, [3, .. nb, .. nh, 0, 0, 0, 0]); // A = 0: these two are made without an address
        for (uint seq = 0; seq < 3; seq++)
        {
            foreach ((SessionAuth sender, byte direction) in new[] { (host, SessionAuth.Host), (board, SessionAuth.Board) })
            {
                int bodyLength = 40 + (int)seq * 61;
                var (b, length) = Sealed(sender, bodyLength, (int)seq, MessageType.Snapshot, (ushort)(0x4200 + seq));
                int seqAt = At + Frame.HeaderLength + bodyLength;
                Assert.Equal(BigEndian(seq), b[seqAt..(seqAt + 4)]);
                // direction || version, type, request id, payload length || body || seq
                byte[] covered = [direction, .. b[(At + 2)..(seqAt + 4)]];
                Assert.Equal(Hmac(ks, covered)[..SessionAuth.MacLength], b[(seqAt + 4)..(seqAt + 4 + SessionAuth.MacLength)]);
                Assert.Equal(At + length, seqAt + SessionAuth.TrailerLength + Frame.TrailerLength);
            }
        }

        // The rekey's wrap: the key XOR HMAC(Ks, 6 || wrap nonce).
        byte[] newKey = Key(23), wrapNonce = Nonce(24), wrapped = new byte[SessionAuth.KeyLength];
        host.Wrap(wrapNonce, 0, newKey, 0, wrapped, 0);
        byte[] pad = Hmac(ks, [6, .. wrapNonce]);
        Assert.Equal(newKey.Zip(pad, (k, p) => (byte)(k ^ p)).ToArray(), wrapped);
    }

    [Fact]
    public void The_known_answers_in_the_on_device_tests_are_what_dotnet_computes()
    {
        // The literals NfTests/SessionAuthTests holds the board's runtime to: K = 00..1f, Nb = 10..1f, Nh = 20..2f.
        byte[] k = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        byte[] nb = Enumerable.Range(0x10, 16).Select(i => (byte)i).ToArray();
        byte[] nh = Enumerable.Range(0x20, 16).Select(i => (byte)i).ToArray();
        byte[] a = [0xc0, 0xa8, 0x32, 0x11]; // A: the board's address, 192.168.50.17
        byte[] ks = Hmac(k, [3, .. nb, .. nh, .. a]);

        Assert.Equal("8e77c2f0", Convert.ToHexStringLower(Hmac(k, [4])[..4]));
        Assert.Equal("101d8636cc31131c8a69231b3f01701a", Convert.ToHexStringLower(Hmac(k, [5, 0, 0, 0, 7, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8])[..16]));
        Assert.Equal("33d2360a715e16bb40d5afc412886ea561599b239988d5af0631073c586d431c", Convert.ToHexStringLower(Hmac(k, [1, .. nb, .. nh, .. a])));
        Assert.Equal("b5612df6da0375952d848b259048e45358a83846225ffb13fd2c396d5eafca68", Convert.ToHexStringLower(Hmac(k, [2, .. nb, .. nh, .. a])));
        Assert.Equal("4c8b8cb09522764485f23d113eca3658811dcfc79f95d6511f5dc7066db4539b", Convert.ToHexStringLower(ks));
        Assert.Equal("4567010401020024404142434445464748494a4b4c4d4e4f000000002a2a6c08d946a41bb32f498a37988f88ad8ea9e1", Expected((byte)'H', 0));
        Assert.Equal("4567010401020024404142434445464748494a4b4c4d4e4f000000002dba2d0c844f5121bed08820f41bdae14f47ab9c", Expected((byte)'B', 0));
        Assert.Equal("4567010401020024404142434445464748494a4b4c4d4e4f00000001a00cef2e8add00cc38f97d9bd0b3716cf3179718", Expected((byte)'H', 1));
        byte[] pad = Hmac(ks, [6, .. Enumerable.Range(0x50, 16).Select(i => (byte)i)]);
        Assert.Equal("257d5419de765a0094bd7080b04b343506ec47426e02db17f97a9d46799b82d0",
            Convert.ToHexStringLower(Enumerable.Range(0x60, 32).Select((b, i) => (byte)(b ^ pad[i])).ToArray()));

        string Expected(byte direction, uint seq)
        {
            // | 'E' 'g' | 1 | type 4 | id 0102 | payload length 36 | body 40..4f | seq | MAC | CRC-32 |
            byte[] frame = [(byte)'E', (byte)'g', 1, 4, 0x01, 0x02, 0x00, 0x24, .. Enumerable.Range(0x40, 16).Select(i => (byte)i), .. BigEndian(seq)];
            byte[] mac = Hmac(ks, [direction, .. frame[2..]])[..16];
            frame = [.. frame, .. mac];
            return Convert.ToHexStringLower([.. frame, .. BigEndian(Crc32.Compute(frame, 2, frame.Length - 2))]);
        }
    }

    [Fact]
    public void The_known_answer_for_a_secret_in_the_on_device_tests_is_what_dotnet_computes()
    {
        // The literal NfTests/TrustTests holds the board's runtime to: Ks as above, nonce 50..57 twice, secret 60..a5.
        byte[] k = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        byte[] nb = Enumerable.Range(0x10, 16).Select(i => (byte)i).ToArray();
        byte[] nh = Enumerable.Range(0x20, 16).Select(i => (byte)i).ToArray();
        byte[] ks = Hmac(k, [3, .. nb, .. nh, 0xc0, 0xa8, 0x32, 0x11]);
        byte[] nonce = [.. Enumerable.Range(0x50, 8).Select(i => (byte)i), .. Enumerable.Range(0x50, 8).Select(i => (byte)i)];
        byte[] keystream = [.. Hmac(ks, [7, .. nonce, 0, 0, 0, 0]), .. Hmac(ks, [7, .. nonce, 0, 0, 0, 1]), .. Hmac(ks, [7, .. nonce, 0, 0, 0, 2])];
        byte[] secret = Enumerable.Range(0x60, 70).Select((b, i) => (byte)(b ^ keystream[i])).ToArray();

        Assert.Equal("50515253545556575051525354555657eb0947581f01b95a50651ad5b2eaa1d4a1cad73843e519040ce76ad26d83b1ccba8c41d51c1d91d8da5dddc173c650b31d867422ebdf8760b5eeb842cf276b91ad2b02eb594e",
            Convert.ToHexStringLower([.. nonce, .. secret]));
    }

    [Fact]
    public void Seal_and_Open_allocate_nothing()
    {
        var (host, board, _, _) = Handshake(Key(25));
        byte[] down = new byte[Frame.HeaderLength + 2560 + SessionAuth.TrailerLength + Frame.TrailerLength];
        byte[] up = new byte[Frame.HeaderLength + 64 + SessionAuth.TrailerLength + Frame.TrailerLength];
        void Exchange()
        {
            int n = host.Seal(down, 0, MessageType.Snapshot, 1, 2560);
            Assert.True(board.Open(down, 0, PayloadLength(n)));
            n = board.Seal(up, 0, MessageType.Heartbeat, 0, 64);
            Assert.True(host.Open(up, 0, PayloadLength(n)));
        }

        Exchange();

        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                Exchange();
            }
        }));
    }

    [Fact]
    public void A_secret_is_a_fresh_nonce_then_the_secret_XOR_HMAC_of_Ks_in_counter_mode_and_reads_back_on_the_other_side()
    {
        byte[] key = Key(26);
        var (host, board, nb, nh) = Handshake(key, seed: 4);
        byte[] ks = Hmac(key, [3, .. nb, .. nh, 0, 0, 0, 0]);
        byte[] secret = Body(70, 26); // three keystream blocks, the last one cut
        byte[] payload = new byte[5 + SessionAuth.NonceLength + secret.Length];
        var w = new PayloadWriter();
        w.Begin(payload, 5, payload.Length);

        host.WriteSecret(w, secret, new StuckRandom(0x01020304, 0x05060708, 0x090a0b0c, 0x0d0e0f10));

        Assert.Equal(payload.Length, w.Position);
        byte[] nonce = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        Assert.Equal(nonce, payload[5..21]);
        byte[] keystream = [.. Hmac(ks, [7, .. nonce, 0, 0, 0, 0]), .. Hmac(ks, [7, .. nonce, 0, 0, 0, 1]), .. Hmac(ks, [7, .. nonce, 0, 0, 0, 2])];
        Assert.Equal(secret.Select((b, i) => (byte)(b ^ keystream[i])).ToArray(), payload[21..]);

        var r = new PayloadReader();
        r.Begin(payload, 5, payload.Length - 5);
        byte[] read = new byte[secret.Length];
        Assert.True(board.ReadSecret(r, read));
        Assert.Equal(secret, read);
        Assert.True(r.AtEnd);

        // Between frames: the session goes on as it was.
        Assert.True(Open(board, Sealed(host, 4, 1)));
        Assert.True(Open(host, Sealed(board, 4, 2)));
    }

    [Fact]
    public void A_secrets_keystream_depends_on_the_session_key_and_the_nonce_and_every_secret_takes_a_new_nonce()
    {
        byte[] key = Key(27);
        var (host, board, _, _) = Handshake(key, seed: 5);
        byte[] secret = Body(100, 27);
        byte[] sent = Written(host, secret, new StuckRandom(9, 9, 9, 9));

        // Another session under the same cluster key (a rotated or another line's Ks) reads other bytes.
        var (_, otherBoard, _, _) = Handshake(key, seed: 6);
        Assert.NotEqual(secret, Read(otherBoard, sent));
        Assert.Equal(secret, Read(board, sent));

        // Another nonce, another keystream: the same secret goes as other bytes.
        byte[] again = Written(host, secret, new StuckRandom(9, 9, 9, 10));
        Assert.NotEqual(sent[SessionAuth.NonceLength..], again[SessionAuth.NonceLength..]);
        Assert.Equal(secret, Read(board, again));

        // A nonce changed on the line (the frame's MAC refuses that first) gives other bytes too.
        sent[3] ^= 1;
        Assert.NotEqual(secret, Read(board, sent));

        // Two secrets written one after the other draw two nonces.
        var random = new StuckRandom(1, 2, 3, 4, 5, 6, 7, 8);
        Assert.NotEqual(Written(host, secret, random)[..SessionAuth.NonceLength], Written(host, secret, random)[..SessionAuth.NonceLength]);
        Assert.True(secret.Zip(Written(host, secret, random)[SessionAuth.NonceLength..]).Count(p => p.First == p.Second) < 8, "the keystream changes (nearly) every byte");
    }

    [Fact]
    public void ReadSecret_decrypts_in_place_allocating_nothing_and_refuses_a_cut_payload()
    {
        var (host, board, _, _) = Handshake(Key(28));
        byte[] secret = Body(1700, 28); // an RSA-2048 key's PEM
        byte[] sent = Written(host, secret, new StuckRandom(11, 12));
        byte[] read = new byte[secret.Length];
        var r = new PayloadReader();

        Assert.Equal(0, Allocations.Least(() =>
        {
            r.Begin(sent, 0, sent.Length);
            board.ReadSecret(r, read);
        }));
        Assert.Equal(secret, read);

        r.Begin(sent, 0, sent.Length - 1);
        Assert.False(board.ReadSecret(r, read));
        Assert.True(r.Failed);
        r.Begin(sent, 0, SessionAuth.NonceLength - 1);
        Assert.False(board.ReadSecret(r, read));
    }

    private static byte[] Written(SessionAuth sender, byte[] secret, IRandomSource random)
    {
        byte[] payload = new byte[SessionAuth.NonceLength + secret.Length];
        var w = new PayloadWriter();
        w.Begin(payload, 0, payload.Length);
        sender.WriteSecret(w, secret, random);
        Assert.False(w.Overflow);
        return payload;
    }

    private static byte[] Read(SessionAuth receiver, byte[] payload)
    {
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        byte[] secret = new byte[payload.Length - SessionAuth.NonceLength];
        Assert.True(receiver.ReadSecret(r, secret));
        return secret;
    }

    /// <summary>.NET's own HMAC-SHA256 (the platform's, OpenSSL here): the independent computation.</summary>
    private static byte[] Hmac(byte[] key, byte[] message) => HMACSHA256.HashData(key, message);

    private static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
}
