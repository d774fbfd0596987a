using Edge.Dataplane.Agent;
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Boards
{
    /// <summary>
    /// A board's life once its network is up, one turn at a time: it takes a control plane that
    /// connects on the management port (see <see cref="ControlPlaneLine"/> for when a new connection
    /// replaces the old one), serves the
    /// management session (on the console UART while no control plane is connected on TCP),
    /// runs the dataplane, and shows the node's state on the LEDs and the display. Each stage
    /// beats the <see cref="StallWatch"/> so a stuck one is named. The firmware builds the
    /// <see cref="BoardPlatform"/> over nanoFramework and calls <see cref="Turn"/> forever,
    /// waiting on the VXLAN socket when a turn did nothing, and restarts the board when
    /// <see cref="RestartRequested"/>; nothing here knows whether it runs on a board, so tests
    /// run the same loop over in-memory fakes, on nanoCLR and on CoreCLR.
    /// </summary>
    public sealed class BoardLoop
    {
        /// <summary>The TCP port control planes connect to.</summary>
        public const ushort ManagementPort = 7900;

        private readonly BoardPlatform _platform;
        private readonly StatusPanel _panel;
        private readonly StallWatch _watch;
        private readonly string _name;
        private readonly uint _address;
        private readonly int _maxPods;

        // Which TCP connection holds the session; null on a board without a network listener.
        private readonly ControlPlaneLine _lines;

        // Whether the console serves the session, and the frames the session had taken when it
        // took over: a host has spoken on the console (a UART never hangs up, so nothing else
        // says one is there) once the count grows.
        private bool _onConsole;
        private long _framesBeforeConsole;
        private bool _restartSaid;

        public readonly NodeAgent Agent;
        public readonly BoardSession Session;

        /// <summary>Turns run.</summary>
        public long Turns;

        /// <param name="plan">What the board boots as: its name and memory class.</param>
        /// <param name="address">The board's IPv4 address, once the network is up.</param>
        /// <param name="panel">The LEDs and display, made before the network came up (they showed the wait).</param>
        /// <param name="watch">The stall watch the firmware's timer checks.</param>
        public BoardLoop(BootPlan plan, uint address, BoardPlatform platform, StatusPanel panel, StallWatch watch)
        {
            _platform = platform;
            _panel = panel;
            _watch = watch;
            _name = plan.Name;
            _address = address;

            var identity = new NodeConfig { Name = plan.Name, Address = address, VxlanPort = platform.Port.LocalPort };
            MemoryClass.Apply(plan.MemoryClass, identity);
            _maxPods = identity.MaxPods;
            Agent = new NodeAgent(identity, platform.Clock, platform.Random, platform.Port, platform.HostSockets);
            var tls = platform.HostSockets as Ingress.ITlsListener;
            Session = new BoardSession(Agent, new NodeConfigIdentity
            {
                TlsSessions = tls != null ? tls.Sessions : 0,
                Name = plan.Name,
                Address = address,
                VxlanPort = identity.VxlanPort,
                MaxPods = identity.MaxPods,
                MaxPayload = MemoryClass.MaxPayload(plan.MemoryClass),
                MaxOutPayload = MemoryClass.MaxOutPayload(plan.MemoryClass),
                PodMemory = MemoryClass.PodMemory(plan.MemoryClass),
                MaxContainers = identity.MaxContainers,
                MaxProbes = identity.MaxProbes,
            });
            Session.Storage = platform.Storage;
            Session.Trust = plan.StartTrust(platform.Storage);
            Session.Cluster = plan.Settings.Cluster;
            _lines = platform.Management == null ? null : new ControlPlaneLine(platform.Management, Session, platform.Random);
            AttachConsole();

            Say(plan.Name + " at " + Ipv4Address.Format(address) + (platform.Management != null
                ? ", waiting for the control plane on port " + ManagementPort.ToString()
                : ", waiting for the control plane on the console"));
            _panel.SetStatus(NodeStatus.WaitingForControlPlane);
        }

        /// <summary>The host asked the board to restart into new settings: the firmware restarts once the Ack is out.</summary>
        public bool RestartRequested
        {
            get { return Session.RestartRequested; }
        }

        /// <summary>Whether a control plane is connected on TCP (else the console serves, if there is one).</summary>
        public bool ControlPlaneConnected
        {
            get { return _lines != null && _lines.Line != null; }
        }

        /// <summary>Control plane connections that took the session on the management port.</summary>
        public long Connections
        {
            get { return _lines == null ? 0 : _lines.Taken; }
        }

        /// <summary>Connections on the management port hung up without taking the session, having proved nothing (no proof of the cluster key within ControlPlaneLine.CandidateMs, closed, or displaced).</summary>
        public long ConnectionsRefused
        {
            get { return _lines == null ? 0 : _lines.Refused; }
        }

        /// <summary>Connections on the management port that proved another key than the board's (another cluster's control plane), refused and hung up.</summary>
        public long ConnectionsWrongKey
        {
            get { return _lines == null ? 0 : _lines.WrongKey; }
        }

        /// <summary>
        /// One turn of the loop. Returns the dataplane's work: 0 when it was idle (the firmware
        /// then waits for traffic before the next turn) or a restart was asked for.
        /// </summary>
        public int Turn()
        {
            Turns++;
            _watch.Beat("accepting the control plane");
            AcceptControlPlane();

            _watch.Beat("the management session");
            long brokenBefore = Session.SessionsBroken;
            Session.Poll(_platform.Clock.Milliseconds);
            if (ControlPlaneConnected && !Session.Attached)
            {
                // The host went away: the console UART serves again until it comes back.
                _lines.Drop();
                Say(Session.SessionsBroken != brokenBefore
                    ? "ended the control plane's session: a frame failed its MAC or came out of sequence (someone else writes on its line); waiting for it on port " + ManagementPort.ToString()
                    : "control plane gone; waiting for it on port " + ManagementPort.ToString());
                AttachConsole();
            }

            if (Session.RestartRequested)
            {
                if (!_restartSaid)
                {
                    Say("restarting into the new settings");
                    _restartSaid = true;
                }

                return 0;
            }

            _watch.Beat("the dataplane");
            int work = Agent.Poll();
            long now = _platform.Clock.Milliseconds;
            if (work > 0)
            {
                _panel.Activity(now);
            }

            // Ready once a control plane has given the board its tables, on TCP or on the console UART.
            bool controlled = ControlPlaneConnected || (_onConsole && Session.FramesReceived > _framesBeforeConsole);
            _panel.SetStatus(controlled && Agent.AppliedGeneration > 0 ? NodeStatus.Ready : NodeStatus.WaitingForControlPlane);
            _panel.ShowLights(now);
            if (_panel.HasDisplay)
            {
                _watch.Beat("the display");
                _panel.ShowScreen(now, _name, _address, Agent.Pods, _maxPods);
            }

            if (work == 0)
            {
                _watch.Beat("waiting for traffic");
            }

            return work;
        }

        private void AcceptControlPlane()
        {
            if (_lines == null)
            {
                return;
            }

            long refusedBefore = _lines.Refused + _lines.WrongKey;
            if (_lines.Poll(_platform.Clock.Milliseconds))
            {
                _onConsole = false;
                Say(Session.Claiming
                    ? "a claim opened: the board takes a cluster key over the network, and nothing else until it has one"
                    : "control plane connected (proved cluster " + Session.Cluster + "'s key)");
            }

            if (_lines.Refused + _lines.WrongKey != refusedBefore)
            {
                Say("refused a connection on port " + ManagementPort.ToString() + ": " + _lines.LastRefusal + " (" + (_lines.Refused + _lines.WrongKey).ToString() + " refused since boot)");
            }
        }

        private void AttachConsole()
        {
            if (_platform.Console != null)
            {
                _onConsole = true;
                _framesBeforeConsole = Session.FramesReceived;
                Session.Attach(_platform.Console, _platform.Clock.Milliseconds);
            }
        }

        private void Say(string line)
        {
            if (_platform.Log != null)
            {
                _platform.Log.Write(line);
            }
        }
    }
}
