using System;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Threading;
using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;
using Edge.Firmware.Platform;
using nanoFramework.Networking;

namespace Edge.Firmware
{
    /// <summary>
    /// A board's life: bring Ethernet up (DHCP, and the clock from SNTP through NetworkHelper),
    /// take a node name from the MAC address, then run the single polling loop: the management
    /// line to the control plane on TCP 7900, the dataplane, and a short wait on the VXLAN socket
    /// when there is nothing to do. Everything the board decides is in Edge.Dataplane.
    /// </summary>
    public static class Program
    {
        public const ushort ManagementPort = 7900;
        public const ushort VxlanPort = 4789;

        /// <summary>Until a board is provisioned with its profile, it runs with the smallest class's capacities.</summary>
        public const int DefaultMemoryClass = MemoryClass.Wroom;

        public static void Main()
        {
            Console.WriteLine("edge: firmware " + Messages.FirmwareVersion + " starting");
            NetworkInterface ethernet = WaitForNetwork();
            uint address;
            if (!Ipv4Address.TryParse(ethernet.IPv4Address, out address))
            {
                Console.WriteLine("edge: the interface has no IPv4 address (" + ethernet.IPv4Address + "); check the lab switch's DHCP");
                return;
            }

            string name = NodeName(ethernet.PhysicalAddress);
            var identity = new NodeConfig { Name = name, Address = address, VxlanPort = VxlanPort };
            MemoryClass.Apply(DefaultMemoryClass, identity);
            var clock = new NanoClock();
            var port = new NanoDatagramPort(address, VxlanPort);
            var agent = new NodeAgent(identity, clock, new NanoRandom(), port, new NanoHostSockets(address, 16));
            var session = new BoardSession(agent, new NodeConfigIdentity
            {
                Name = name,
                Address = address,
                VxlanPort = VxlanPort,
                MaxPods = identity.MaxPods,
                MaxPayload = MemoryClass.MaxPayload(DefaultMemoryClass),
            });

            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(Addresses.ToIPAddress(address), ManagementPort));
            listener.Listen(1);
            Console.WriteLine("edge: " + name + " at " + ethernet.IPv4Address + ", waiting for the control plane on port " + ManagementPort.ToString());

            NanoTcpLine line = null;
            while (true)
            {
                if (listener.Poll(0, SelectMode.SelectRead))
                {
                    // One host at a time: a new connection is the control plane again (restarted, or moved).
                    Socket accepted = listener.Accept();
                    if (line != null)
                    {
                        line.Close();
                    }

                    line = new NanoTcpLine(accepted);
                    session.Attach(line, clock.Milliseconds);
                    Console.WriteLine("edge: control plane connected");
                }

                session.Poll(clock.Milliseconds);
                if (agent.Poll() == 0)
                {
                    port.WaitForData(10);
                }
            }
        }

        /// <summary>Waits for an address (DHCP) and the time (SNTP), saying what it waits for every minute.</summary>
        private static NetworkInterface WaitForNetwork()
        {
            while (true)
            {
                var wait = new CancellationTokenSource(60000);
                if (NetworkHelper.SetupAndConnectNetwork(wait.Token, true))
                {
                    return NetworkInterface.GetAllNetworkInterfaces()[0];
                }

                Console.WriteLine("edge: no network yet (" + StatusText() + "): is the cable in, the link LED on, and DHCP served on the lab switch?");
            }
        }

        private static string StatusText()
        {
            switch (NetworkHelper.Status)
            {
                case NetworkHelperStatus.TokenExpiredWaitingIPAddress: return "no address from DHCP";
                case NetworkHelperStatus.TokenExpiredWaitingDateTime: return "no time from SNTP";
                case NetworkHelperStatus.FailedNoNetworkInterface: return "no network interface: wrong firmware for this board?";
                default: return "status " + ((int)NetworkHelper.Status).ToString();
            }
        }

        /// <summary>"node-" and the MAC's last two bytes: unique on a lab switch, and printed on the board's label.</summary>
        private static string NodeName(byte[] mac)
        {
            const string hex = "0123456789abcdef";
            if (mac == null || mac.Length < 2)
            {
                return "node-0000";
            }

            byte a = mac[mac.Length - 2];
            byte b = mac[mac.Length - 1];
            return "node-" + hex[a >> 4] + hex[a & 15] + hex[b >> 4] + hex[b & 15];
        }
    }
}
