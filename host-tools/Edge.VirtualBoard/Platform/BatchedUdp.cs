using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Edge.VirtualBoard.Platform;

/// <summary>
/// A non-blocking UDP socket that moves datagrams in batches on Linux: recvmmsg(2) fills up to
/// <see cref="Batch"/> datagrams in one system call and hands them out one at a time; datagrams
/// sent wait in a batch that sendmmsg(2) sends when it fills, when the socket is read again,
/// or when the board is about to wait. A datagram costs a fraction of a system call instead of
/// three (FIONREAD, recvfrom, sendto): what lets a virtual board answer DNS as fast as NSD. A
/// zero-length datagram is a datagram like any other (FIONREAD says 0 for one at the head of
/// the queue, which once wedged the socket).
///
/// The contract with the dataplane: every UDP socket's owner reads it every turn (the DNS
/// responder, the forwarder, NodePort's and egress's sessions do), so what it sent leaves at
/// the latest on the next turn; <see cref="Flush"/> sends it before an idle wait.
/// </summary>
public sealed unsafe class BatchedUdp : IDisposable
{
    public const int Batch = 32;
    private const int DatagramMax = 65535;
    private const int MsgDontWait = 0x40;
    private const int AfInet = 2;

    // struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; } on x86-64 and arm64 Linux.
    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    // struct sockaddr_in: family (host order), port and address (network order), 8 bytes zero.
    [StructLayout(LayoutKind.Sequential)]
    private struct SockAddrIn
    {
        public ushort Family;
        public ushort Port;
        public uint Address;
        public ulong Zero;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int recvmmsg(nint fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    [DllImport("libc", SetLastError = true)]
    private static extern int sendmmsg(nint fd, MMsgHdr* messages, uint count, int flags);

    private readonly Socket _socket;
    private In? _in;   // made on the first read
    private Out? _out; // made on the first send

    public BatchedUdp(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>Whether this system can (Linux): elsewhere a board reads and sends a datagram at a time.</summary>
    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>Whether datagrams already received wait to be handed out.</summary>
    public bool Holding => _in != null && _in.Next < _in.Count;

    /// <summary>The next datagram (cut to length), or -1 when none waits.</summary>
    public int Receive(byte[] buffer, int offset, int length, out uint from, out ushort port)
    {
        from = 0;
        port = 0;
        In batch = _in ??= new In();
        if (batch.Next == batch.Count)
        {
            Flush(); // what was sent goes before the socket is read again: answers leave in batches
            batch.Next = 0;
            batch.Count = Math.Max(0, recvmmsg(_socket.Handle, batch.Messages, Batch, MsgDontWait, null));
            if (batch.Count == 0)
            {
                return -1;
            }
        }

        int i = batch.Next++;
        int n = (int)Math.Min(batch.Messages[i].Length, (uint)length);
        new ReadOnlySpan<byte>(batch.Data + i * DatagramMax, n).CopyTo(buffer.AsSpan(offset, n));
        SockAddrIn* address = &batch.Addresses[i];
        from = Swap(address->Address);
        port = (ushort)((address->Port >> 8) | (address->Port << 8));
        return n;
    }

    /// <summary>Queues a datagram; the batch leaves when it fills, when the socket is next read, or on <see cref="Flush"/>.</summary>
    public bool Send(uint to, ushort port, byte[] buffer, int offset, int length)
    {
        if (length > DatagramMax)
        {
            return false;
        }

        Out batch = _out ??= new Out();
        if (batch.Count == Batch && !Flush())
        {
            return false;
        }

        int i = batch.Count++;
        buffer.AsSpan(offset, length).CopyTo(new Span<byte>(batch.Data + i * DatagramMax, length));
        batch.Iov[i].Length = (nuint)length;
        batch.Addresses[i] = new SockAddrIn { Family = AfInet, Port = (ushort)((port >> 8) | (port << 8)), Address = Swap(to) };
        return true;
    }

    /// <summary>Sends what is queued; false when the system refused some (they are dropped, as a full socket buffer drops them).</summary>
    public bool Flush()
    {
        Out? batch = _out;
        if (batch == null || batch.Count == 0)
        {
            return true;
        }

        int sent = 0;
        while (sent < batch.Count)
        {
            int n = sendmmsg(_socket.Handle, batch.Messages + sent, (uint)(batch.Count - sent), MsgDontWait);
            if (n <= 0)
            {
                break;
            }

            sent += n;
        }

        bool all = sent == batch.Count;
        batch.Count = 0;
        return all;
    }

    public void Dispose()
    {
        Flush();
        _in?.Dispose();
        _out?.Dispose();
        _in = null;
        _out = null;
    }

    private static uint Swap(uint value) =>
        (value >> 24) | ((value >> 8) & 0xFF00) | ((value << 8) & 0xFF0000) | (value << 24);

    // The batch's native memory: datagram buffers, their addresses, iovecs and mmsghdrs, made
    // once per socket (about 2 MiB of address space, touched only as far as datagrams reach).
    private class Buffers : IDisposable
    {
        public readonly byte* Data = (byte*)NativeMemory.Alloc((nuint)(Batch * DatagramMax));
        public readonly SockAddrIn* Addresses = (SockAddrIn*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(SockAddrIn)));
        public readonly IoVec* Iov = (IoVec*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(IoVec)));
        public readonly MMsgHdr* Messages = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(MMsgHdr)));
        public int Count;

        public Buffers()
        {
            for (int i = 0; i < Batch; i++)
            {
                Iov[i].Base = Data + i * DatagramMax;
                Iov[i].Length = DatagramMax;
                Messages[i].Header.Name = &Addresses[i];
                Messages[i].Header.NameLength = (uint)sizeof(SockAddrIn);
                Messages[i].Header.Iov = &Iov[i];
                Messages[i].Header.IovLength = 1;
            }
        }

        public void Dispose()
        {
            NativeMemory.Free(Data);
            NativeMemory.Free(Addresses);
            NativeMemory.Free(Iov);
            NativeMemory.Free(Messages);
        }
    }

    private sealed class In : Buffers
    {
        public int Next;
    }

    private sealed class Out : Buffers;
}
