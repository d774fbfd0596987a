using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;

namespace Edge.Fuzz;

/// <summary>
/// A frame into a running board, where frames really arrive: as a VXLAN datagram from the
/// peer board's VTEP (Overlay, then the gateway's routing, conntrack, the Service proxy,
/// network policy, the bridge, ARP, and the pods' IP, ICMP, UDP, DNS and TCP), or from a pod's
/// eth0 onto board 1's bridge (and on over the overlay to board 2). Both boards then run 60
/// simulated milliseconds, so replies, DNS answers and TCP handshakes happen too.
/// <code>
/// input := control(1) frame
/// control: bit 0 ingress (0 VXLAN into board 2, 1 the client pod's eth0 on board 1),
///          bit 1 fix the frame's checksums, bit 2 address it to board 2's VTEP MAC (VXLAN only)
/// </code>
/// </summary>
public sealed class NodeTarget : FuzzTarget
{
    private const int Steps = 60;

    public override string Name => "node";

    public override string Covers => "Overlay.Receive, Gateway, conntrack/proxy, policy, Bridge, ARP, pod sandboxes (IP/ICMP/UDP/DNS/TCP) of two running boards";

    public override void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        int control = input[0];
        var lab = FuzzFixtures.Lab();
        byte[] frame = new byte[Math.Min(input.Length - 1, PacketBuffer.MaximumFrame)];
        Array.Copy(input, 1, frame, 0, frame.Length);
        Node board1 = lab.Agent(1).Node;
        Node board2 = lab.Agent(2).Node;
        if ((control & 4) != 0 && frame.Length >= 6)
        {
            MacAddress.Write(frame, 0, NodeConfig.VtepMacFor(board2.Config.PodNetwork));
        }

        if ((control & 2) != 0)
        {
            FrameChecksums.Fix(frame, 0, frame.Length);
        }

        if ((control & 1) == 0)
        {
            // From board 1's VTEP address and port, as its overlay would send it.
            LanPort peer = lab.Lan.Open(board1.Config.Address, board1.Config.VxlanPort);
            byte[] datagram = new byte[VxlanHeader.Length + frame.Length];
            var vxlan = new VxlanRepr { Vni = board2.Config.Vni };
            vxlan.Emit(datagram, 0);
            frame.CopyTo(datagram, VxlanHeader.Length);
            peer.Send(board2.Config.Address, board2.Config.VxlanPort, datagram, 0, datagram.Length);
            peer.Closed = true;
        }
        else
        {
            PodSandbox client = lab.Agent(1).FindPod("default", "client").Sandbox;
            PacketBuffer? buffer = board1.Context.Pool.Rent();
            if (buffer == null)
            {
                throw new FuzzFinding("a fresh board has no packet buffer");
            }

            Array.Copy(frame, 0, buffer.Data, buffer.Offset, frame.Length);
            buffer.Length = frame.Length;
            board1.Bridge.Submit(buffer, client.Interface.Port);
        }

        for (int i = 0; i < Steps; i++)
        {
            lab.Step();
        }

        _ = board1.Drops.ToString() + board2.Drops.ToString();
    }

    public override IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        foreach (var (name, frame) in FuzzFixtures.GoldenFrames())
        {
            if (name.StartsWith("vxlan-", StringComparison.Ordinal))
            {
                continue;
            }

            yield return new("pod-" + name, [1, .. frame]);
            yield return new("overlay-" + name, [4, .. frame]);
        }

        yield return new("overlay-arp-for-the-vtep", [0, .. Convert.FromHexString("ffffffffffff02ed0af4010008060001080006040001" + "02ed0af40100" + "0af40100" + "000000000000" + "0af40200")]);
        var golden = FuzzFixtures.GoldenFrames().ToDictionary(f => f.Key, f => f.Value);
        if (golden.TryGetValue("tcp-syn", out byte[]? syn))
        {
            byte[] toService = [3, .. syn];
            NetworkOrder.WriteU32(toService, 1 + 30, FuzzFixtures.WebVip); // checksums fixed by the harness
            yield return new("pod-fixed-tcp-syn-to-service", toService);
            byte[] fromPeer = [6, .. syn];
            NetworkOrder.WriteU32(fromPeer, 1 + 26, Ipv4Address.FromOctets(10, 244, 3, 9)); // a source the client's board does not route
            yield return new("overlay-fixed-tcp-syn-from-elsewhere", fromPeer);
        }

        if (golden.TryGetValue("udp-zero-checksum", out byte[]? udp))
        {
            byte[] toEcho = [3, .. udp];
            NetworkOrder.WriteU32(toEcho, 1 + 30, FuzzFixtures.EchoVip);
            NetworkOrder.WriteU16(toEcho, 1 + 36, 7);
            yield return new("pod-fixed-udp-to-echo-service", toEcho);
        }

        yield return new("overlay-fixed-short-ip", [6, .. Convert.FromHexString("02420af4010102420af401050800450000140001000040010000")]);
    }
}
