using System.Text;
using Edge.Dataplane.Net;
using Edge.Dataplane.Workloads;
using Edge.VirtualBoard.Config;

namespace Edge.VirtualBoard.Tests;

/// <summary>Two virtual boards on 127.0.10.1 and 127.0.10.2 talking real VXLAN over loopback UDP.</summary>
[Trait("Category", Category.EndToEnd)]
public sealed class LoopbackLabTests
{
    private sealed class Sink : IByteSink
    {
        public readonly MemoryStream Bytes = new();

        public void Write(byte[] buffer, int offset, int length) => Bytes.Write(buffer, offset, length);
    }

    [Fact]
    public void A_pod_on_one_board_pings_and_fetches_whoami_from_a_pod_on_the_other()
    {
        using var lab = new LoopbackLab();
        VirtualBoard one = lab.Add(LoopbackLab.Config(1, 2, "127.0.10.1", new PodConfig { Name = "client", Image = "toolbox" }));
        VirtualBoard two = lab.Add(LoopbackLab.Config(2, 2, "127.0.10.2", new PodConfig { Name = "web", Image = "whoami", Ip = "10.244.2.5" }));
        PodSandbox client = one.Pod("client").Sandbox;

        IcmpEchoSocket ping = client.OpenEcho()!;
        ping.Send(LoopbackLab.Ip("10.244.2.5"), 1, 56);
        Assert.True(lab.RunUntil(() => ping.RepliesReceived == 1, TimeSpan.FromSeconds(5)), "no ping reply; drops: " + one.Node.Drops);

        var body = new Sink();
        var get = new HttpGet(client, LoopbackLab.Ip("10.244.2.5"), 80, "web", "/", body);
        Assert.True(lab.RunUntil(() => { get.Poll(one.Node.Context.Now); return get.Done; }, TimeSpan.FromSeconds(10)));

        Assert.Equal(200, get.StatusCode);
        string text = Encoding.ASCII.GetString(body.Bytes.ToArray());
        Assert.Contains("Hostname: web\n", text);
        Assert.Contains("Node: node-2\n", text);
        Assert.Contains("RemoteAddr: 10.244.1.2:", text);
        Assert.True(two.Node.Overlay.Received > 0 && one.Node.Overlay.Received > 0);
    }

    [Fact]
    public void A_taken_port_is_a_clear_error_not_a_stack_trace()
    {
        using var lab = new LoopbackLab();
        lab.Add(LoopbackLab.Config(1, 1, "127.0.10.21"));

        var e = Assert.Throws<BoardException>(() => lab.Add(LoopbackLab.Config(1, 1, "127.0.10.21")));

        Assert.Equal("127.0.10.21:4789 is already in use: another virtual board, or a Linux vxlan device with dstport 4789 in this network namespace " +
            "(it listens on every address); give this board another address or vxlanPort", e.Message);
    }
}
