using System;
using System.Device.Gpio;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Threading;
using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;
using Edge.Firmware.Platform;
using nanoFramework.Networking;
using nanoFramework.Runtime.Native;

namespace Edge.Firmware
{
    /// <summary>
    /// A board's life: read what it keeps in flash (its profile, name and addressing), open its
    /// management console on the profile's UART and its LEDs, bring Ethernet up (static or DHCP,
    /// and the clock from SNTP through NetworkHelper), then run the single polling loop: the
    /// management line (TCP 7900 when a control plane connects, the console UART otherwise), the
    /// dataplane, the LEDs, and a short wait on the VXLAN socket when there is nothing to do. A
    /// timer restarts the board if the loop stops coming round. Everything the board decides is
    /// in Edge.Dataplane.
    /// </summary>
    public static class Program
    {
        public const ushort ManagementPort = 7900;
        public const ushort VxlanPort = 4789;
        public const int ConsoleBaud = 115200;

        /// <summary>Until a board is provisioned with its profile, it runs with the smallest class's capacities.</summary>
        public const int DefaultMemoryClass = MemoryClass.Wroom;

        /// <summary>Internal flash on ESP32 targets.</summary>
        private const string FlashRoot = "I:\\";

        private const int WatchPeriodMs = 5000;
        private static readonly StallWatch Watch = new StallWatch(6);

        // Held for the board's life: a timer nobody references is collected, and stops.
        private static Timer _watchdog;

        public static void Main()
        {
            Console.WriteLine("edge: firmware " + Messages.FirmwareVersion + " starting");
            _watchdog = new Timer(CheckLoop, null, WatchPeriodMs, WatchPeriodMs);

            var storage = new NanoStorage(FlashRoot);
            string problem;
            BoardSettings settings = BoardSettings.Load(storage, out problem);
            if (problem != null)
            {
                Console.WriteLine("edge: " + problem);
            }

            NetworkInterface ethernet = NetworkInterface.GetAllNetworkInterfaces()[0];
            BootPlan plan = BootPlan.From(settings, NodeName(ethernet.PhysicalAddress), DefaultMemoryClass);
            Console.WriteLine("edge: boots as " + plan.Describe());

            var clock = new NanoClock();
            var leds = new GpioIndicators(new GpioController(), plan.Profile, clock);
            NanoSerialLine console = OpenConsole(plan.Profile);
            OledScreen screen = OledScreen.Open(plan.Profile);

            ethernet = WaitForNetwork(plan, leds, screen, clock);
            uint address;
            if (!Ipv4Address.TryParse(ethernet.IPv4Address, out address))
            {
                Console.WriteLine("edge: the interface has no IPv4 address (" + ethernet.IPv4Address + "); check the lab switch's DHCP or the provisioned address");
                leds.SetStatus(NodeStatus.Fault);
                return;
            }

            var identity = new NodeConfig { Name = plan.Name, Address = address, VxlanPort = VxlanPort };
            MemoryClass.Apply(plan.MemoryClass, identity);
            var port = new NanoDatagramPort(address, VxlanPort);
            var agent = new NodeAgent(identity, clock, new NanoRandom(), port, new NanoHostSockets(address, 16));
            var session = new BoardSession(agent, new NodeConfigIdentity
            {
                Name = plan.Name,
                Address = address,
                VxlanPort = VxlanPort,
                MaxPods = identity.MaxPods,
                MaxPayload = MemoryClass.MaxPayload(plan.MemoryClass),
                MaxOutPayload = MemoryClass.MaxOutPayload(plan.MemoryClass),
            });
            session.Storage = storage;
            if (console != null)
            {
                session.Attach(console, clock.Milliseconds);
            }

            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(Addresses.ToIPAddress(address), ManagementPort));
            listener.Listen(1);
            Console.WriteLine("edge: " + plan.Name + " at " + ethernet.IPv4Address + ", waiting for the control plane on port " + ManagementPort.ToString());
            leds.SetStatus(NodeStatus.WaitingForControlPlane);

            NanoTcpLine line = null;
            while (true)
            {
                Watch.Beat("accepting the control plane");
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

                Watch.Beat("the management session");
                session.Poll(clock.Milliseconds);
                if (line != null && line.Closed)
                {
                    // The host went away: the console UART serves again until it comes back.
                    line = null;
                    Console.WriteLine("edge: control plane gone; waiting for it on port " + ManagementPort.ToString());
                    if (console != null)
                    {
                        session.Attach(console, clock.Milliseconds);
                    }
                }

                if (session.RestartRequested)
                {
                    Console.WriteLine("edge: restarting into the new settings");
                    Thread.Sleep(500); // let the Ack leave the UART or the socket
                    Power.RebootDevice();
                }

                Watch.Beat("the dataplane");
                int work = agent.Poll();
                if (work > 0)
                {
                    leds.Activity();
                }

                // Ready once a control plane has given the board its tables, on TCP or on the console UART.
                bool controlled = line != null || (console != null && session.FramesReceived > 0);
                leds.SetStatus(controlled && agent.AppliedGeneration > 0 ? NodeStatus.Ready : NodeStatus.WaitingForControlPlane);
                leds.Refresh();
                if (screen != null)
                {
                    Watch.Beat("the display");
                    screen.Show(plan.Name, address, leds.Status, agent.Pods, identity.MaxPods, clock.Milliseconds);
                }

                if (work == 0)
                {
                    Watch.Beat("waiting for traffic");
                    port.WaitForData(10);
                }
            }
        }

        /// <summary>The watchdog's timer: restarts the board when the loop has stopped coming round.</summary>
        private static void CheckLoop(object state)
        {
            if (Watch.Check())
            {
                Console.WriteLine("edge: " + Watch.Describe(WatchPeriodMs));
                Power.RebootDevice();
            }
        }

        /// <summary>COM2 on the profile's pins (routed first where the chip routes pins at run time), or null when the profile has none or the UART will not open.</summary>
        private static NanoSerialLine OpenConsole(BoardProfile profile)
        {
            if (profile == null || !profile.HasConsole)
            {
                Console.WriteLine("edge: no console UART for this board (no profile provisioned, or its pins not yet listed); manage it over the network on port " + ManagementPort.ToString());
                return null;
            }

            try
            {
                PinRouting.Console(profile);
                var line = new NanoSerialLine("COM2", ConsoleBaud);
                Console.WriteLine("edge: console on COM2 (TX " + PinRouting.PinName(profile.ConsoleTx) + ", RX " + PinRouting.PinName(profile.ConsoleRx) + ") at " + ConsoleBaud.ToString() + " 8N1");
                return line;
            }
            catch (Exception e)
            {
                Console.WriteLine("edge: the console UART did not open (" + e.Message + "); manage the board over the network");
                return null;
            }
        }

        /// <summary>Waits for an address (static, or DHCP) and the time (SNTP), saying what it waits for every minute.</summary>
        private static NetworkInterface WaitForNetwork(BootPlan plan, GpioIndicators leds, OledScreen screen, NanoClock clock)
        {
            BoardSettings s = plan.Settings;
            IPConfiguration fixedAddress = s.Static
                ? new IPConfiguration(Ipv4Address.Format(s.Address), plan.SubnetMask(), Ipv4Address.Format(s.Gateway),
                    new string[] { Ipv4Address.Format(s.Dns != 0 ? s.Dns : s.Gateway) })
                : null;
            while (true)
            {
                Watch.Beat("bringing Ethernet up");
                var wait = new CancellationTokenSource(20000);
                bool up = fixedAddress != null
                    ? NetworkHelper.SetupAndConnectNetwork(fixedAddress, wait.Token, true)
                    : NetworkHelper.SetupAndConnectNetwork(wait.Token, true);
                if (up)
                {
                    return NetworkInterface.GetAllNetworkInterfaces()[0];
                }

                leds.SetStatus(NodeStatus.NoLink);
                leds.Refresh();
                if (screen != null)
                {
                    screen.Show(plan.Name, 0, NodeStatus.NoLink, null, 0, clock.Milliseconds);
                }

                Console.WriteLine("edge: no network yet (" + StatusText() + "): is the cable in, the link LED on, and " + (s.Static ? "the provisioned address right for this switch?" : "DHCP served on the lab switch?"));
            }
        }

        private static string StatusText()
        {
            switch (NetworkHelper.Status)
            {
                case NetworkHelperStatus.TokenExpiredWaitingIPAddress: return "no address";
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
