using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Trust;
using Edge.Host.Sessions;

namespace Edge.Host.Tests.Sessions;

/// <summary>
/// A board's hello as each firmware writes it: the parts added over time (largest payload,
/// trust, TLS sessions) read when they are there, and their defaults when an older board
/// stops before them.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class BoardHelloTests
{
    private static BoardHello Read(Action<PayloadWriter> write)
    {
        byte[] buffer = new byte[512];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        write(w);
        var r = new PayloadReader();
        r.Begin(buffer, 0, w.Length);
        return BoardHello.Read(r);
    }

    private static void Hello(PayloadWriter w) => Messages.WriteHello(w, "node-1", 0x7F000A01, 4789, 12, 8, 1536);

    [Fact]
    public void A_board_on_the_network_says_its_TLS_sessions_after_its_nonce()
    {
        byte[] nonce = Enumerable.Range(1, SessionAuth.NonceLength).Select(i => (byte)i).ToArray();

        BoardHello hello = Read(w =>
        {
            Hello(w);
            Messages.WriteHelloTrust(w, Messages.LineAuthenticate, "lab", 0x3FA2C1D9, nonce);
            Messages.WriteHelloCapacity(w, 4, 768 * 1024, 64, 64);
        });

        Assert.Equal(("node-1", 8, 1536, "lab", 0x3FA2C1D9u), (hello.Name, hello.MaxPods, hello.MaxPayload, hello.Cluster, hello.KeyId));
        Assert.Equal(nonce, hello.Nonce);
        Assert.Equal((4, 768 * 1024, 64, 64), (hello.TlsSessions, hello.PodMemory, hello.MaxContainers, hello.MaxProbes));
    }

    [Fact]
    public void A_board_on_its_console_says_them_after_its_key_id()
    {
        BoardHello hello = Read(w =>
        {
            Hello(w);
            Messages.WriteHelloTrust(w, Messages.LineTrusted, null!, 0, null!);
            Messages.WriteHelloCapacity(w, 0, 8 * 1024, 16, 8); // a WROOM board
        });

        Assert.Equal((Messages.LineTrusted, (string?)null, 0, 8192, 16, 8), (hello.Trust, hello.Cluster, hello.TlsSessions, hello.PodMemory, hello.MaxContainers, hello.MaxProbes));
    }

    [Fact]
    public void Firmware_that_predates_saying_its_memory_offers_pods_none_the_scheduler_counts()
    {
        BoardHello hello = Read(w =>
        {
            Hello(w);
            Messages.WriteHelloTrust(w, Messages.LineTrusted, null!, 0, null!);
            w.Int(4); // the TLS sessions alone, as firmware from before memory was said
        });

        Assert.Equal((4, 0), (hello.TlsSessions, hello.PodMemory));
    }

    [Fact]
    public void Firmware_that_predates_TLS_takes_no_TLS_sessions()
    {
        BoardHello withTrust = Read(w =>
        {
            Hello(w);
            Messages.WriteHelloTrust(w, Messages.LineNoKey, null!, 0, null!);
        });
        BoardHello oldest = Read(w => Messages.WriteHello(w, "node-2", 0x7F000A02, 4789, 0, 16, Frame.MaxPayload));

        Assert.Equal((Messages.LineNoKey, 0), (withTrust.Trust, withTrust.TlsSessions));
        Assert.Equal(("node-2", Messages.LineTrusted, 0), (oldest.Name, oldest.Trust, oldest.TlsSessions));
    }
}
