using System;
using System.Device.Gpio;
using System.Net.NetworkInformation;
using System.Threading;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;
using Edge.Firmware.Platform;
using nanoFramework.Networking;
using nanoFramework.Runtime.Native;

namespace Edge.Firmware
{
    /// <summary>
    /// A board's start: read what it keeps in flash (its profile, name and addressing), open its
    /// management console on the profile's UART, its LEDs and its display, forget the cluster when
    /// the button is held from reset (<see cref="ForgetButton"/>), bring Ethernet up (static or
    /// DHCP, and the clock from SNTP through NetworkHelper), build the Platform over
    /// nanoFramework's sockets, and run the dataplane's <see cref="BoardLoop"/> turn after turn,
    /// waiting a little on the VXLAN socket when a turn had nothing to do. A timer restarts the
    /// board if the loop stops coming round. Everything the board decides is in Edge.Dataplane;
    /// what is here talks to the hardware.
    /// </summary>
    public static class Program
    {
        public const int ConsoleBaud = 115200;

        /// <summary>Until a board is provisioned with its profile, it runs with the smallest class's capacities.</summary>
        public const int DefaultMemoryClass = MemoryClass.Wroom;

        /// <summary>Internal flash on ESP32 targets.</summary>
        private const string FlashRoot = "I:\\";

        private const int WatchPeriodMs = 5000;
        private const int IdleWaitMs = 10;
        private static readonly StallWatch Watch = new StallWatch(6);

        // Held for the board's life: a timer nobody references is collected, and stops.
        private static Timer _watchdog;

        public static void Main()
        {
            Console.WriteLine("edge: firmware " + Messages.FirmwareVersion + " starting");
            _watchdog = new Timer(CheckLoop, null, WatchPeriodMs, WatchPeriodMs);

            var log = new ConsoleLog();
            var storage = new NanoStorage(FlashRoot);
            string problem;
            BoardSettings settings = BoardSettings.Load(storage, out problem);
            if (problem != null)
            {
                log.Write(problem);
            }

            NetworkInterface ethernet = NetworkInterface.GetAllNetworkInterfaces()[0];
            BootPlan plan = BootPlan.From(settings, BootPlan.NameFromMac(ethernet.PhysicalAddress), DefaultMemoryClass);
            log.Write("boots as " + plan.Describe());

            var platform = new BoardPlatform();
            platform.Clock = new NanoClock();
            platform.Random = new NanoRandom();
            platform.Storage = storage;
            platform.Log = log;
            var gpio = new GpioController();
            platform.Leds = new GpioIndicators(gpio, plan.Profile);
            GpioButton button = GpioButton.Open(gpio, plan.Profile);
            if (button != null)
            {
                // Held from reset, the board forgets its cluster before it takes any control plane.
                ForgetButton.AtBoot(button, platform.Clock, settings, storage, platform.Leds, log);
                button.Close();
            }

            platform.Console = OpenConsole(plan.Profile);
            platform.Display = OledScreen.Open(plan.Profile);
            var panel = new StatusPanel(platform.Leds, platform.Display, log);

            ethernet = WaitForNetwork(plan, panel, platform.Clock);
            uint address;
            if (!Ipv4Address.TryParse(ethernet.IPv4Address, out address))
            {
                log.Write("the interface has no IPv4 address (" + ethernet.IPv4Address + "); check the lab switch's DHCP or the provisioned address");
                panel.SetStatus(NodeStatus.Fault);
                panel.ShowLights(platform.Clock.Milliseconds);
                return;
            }

            var port = new NanoDatagramPort(address, VxlanHeader.IanaPort);
            platform.Port = port;
            // TLS sessions as the board's memory class gives them: none on a WROOM board (no native heap for mbedTLS).
            platform.HostSockets = new NanoHostSockets(address, 16, MemoryClass.TlsSessions(plan.MemoryClass), platform.Clock);
            platform.Management = new NanoManagementListener(address, BoardLoop.ManagementPort);
            var loop = new BoardLoop(plan, address, platform, panel, Watch);
            while (true)
            {
                int work = loop.Turn();
                if (loop.RestartRequested)
                {
                    Thread.Sleep(500); // let the Ack leave the UART or the socket
                    Power.RebootDevice();
                }

                if (work == 0)
                {
                    port.WaitForData(IdleWaitMs);
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
                Console.WriteLine("edge: no console UART for this board (no profile provisioned, or its pins not yet listed); manage it over the network on port " + BoardLoop.ManagementPort.ToString());
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
        private static NetworkInterface WaitForNetwork(BootPlan plan, StatusPanel panel, IClock clock)
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

                panel.SetStatus(NodeStatus.NoLink);
                panel.ShowLights(clock.Milliseconds);
                panel.ShowScreen(clock.Milliseconds, plan.Name, 0, null, 0);

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
    }
}
