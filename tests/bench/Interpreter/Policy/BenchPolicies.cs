// nanoFramework C#: no nullable annotations there.
#nullable disable

using Edge.Dataplane.Policy;
using Edge.Dataplane.Wire;

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// The policy sets `bench -- policy` loads, shaped so that a packet's first decision reads
    /// every policy: N ingress policies, each selecting the receiving pod alone and holding one
    /// rule. Rules 0..N-2 take the sender's pod network (a /24 that holds the sender) to UDP port
    /// 9000+i, which the packet (to <see cref="Port"/>) does not match, so each reads both its
    /// peer and its port; the last policy's rule takes the sender's /32 to UDP <see cref="Port"/>
    /// and allows the packet. Zero gives an empty set (a node that enforces nothing).
    /// </summary>
    public static class BenchPolicies
    {
        public const ushort Port = 8080;

        public static PolicySet Make(int policies, uint receiver, uint sender)
        {
            var set = new PolicySet(policies, policies, 2 * policies, policies);
            for (int i = 0; i < policies; i++)
            {
                bool last = i == policies - 1;
                ushort port = last ? Port : (ushort)(9000 + i);
                if (!set.AddPolicy("default/policy-" + i.ToString(), PolicyTypes.Ingress)
                    || !set.AddSubject(receiver)
                    || !set.AddRule(0) // ingress, its peers and ports listed
                    || !set.AddPeer(sender, last ? 32 : 24, false)
                    || !set.AddPort(IpProtocol.Udp, port, port, 0))
                {
                    throw new System.Exception("the bench's policy set does not fit: " + set.Overflow);
                }
            }

            return set;
        }
    }
}
