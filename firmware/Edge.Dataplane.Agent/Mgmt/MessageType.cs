namespace Edge.Dataplane.Mgmt
{
    /// <summary>Kinds of host-board messages. Requests carry an ID their response repeats; events carry 0.</summary>
    public static class MessageType
    {
        /// <summary>Board to host, first thing on a session: identity, firmware, applied generation, capacities.</summary>
        public const byte Hello = 1;

        /// <summary>Host to board: the whole desired state at a generation.</summary>
        public const byte Snapshot = 2;

        /// <summary>Board to host: the generation now applied (or the reason it was not).</summary>
        public const byte Ack = 3;

        /// <summary>Board to host, periodically: alive, generation, pod states, counters.</summary>
        public const byte Heartbeat = 4;

        /// <summary>Board to host: something happened (pod failed, table full).</summary>
        public const byte Event = 5;

        /// <summary>
        /// Host to board: run a tool in a pod (namespace, pod, argument count, arguments, stdin or
        /// null); board to host, under the request's ID: output chunks (stream 1 or 2, then the raw
        /// bytes) and, last, the exit code and how many output bytes were lost.
        /// </summary>
        public const byte ExecRequest = 6;
        public const byte ExecOutput = 7;
        public const byte ExecExit = 8;

        /// <summary>Host to board: render a view (iptables, ipvs, conntrack); board to host: the text.</summary>
        public const byte ViewRequest = 9;
        public const byte ViewResponse = 10;

        /// <summary>Host to board: stop the running exec (Ctrl+C); it still ends with ExecExit (130).</summary>
        public const byte ExecCancel = 11;

        /// <summary>
        /// Host to board: say Hello again. A serial line has no connect: the host that opens the
        /// port after the board booted (or after the host restarted) asks for it.
        /// </summary>
        public const byte HelloRequest = 12;

        /// <summary>Host to board: what changed since the generation the board applied (see StateDelta); answered by Ack.</summary>
        public const byte Delta = 13;

        /// <summary>
        /// Host to board: mirror a point ("overlay" or "namespace/pod") as pcap; the board answers
        /// with an Ack (error when there is no such point), then CaptureData frames under the same
        /// ID (raw pcap bytes) until CaptureStop.
        /// </summary>
        public const byte CaptureStart = 14;
        public const byte CaptureData = 15;
        public const byte CaptureStop = 16;

        /// <summary>Host to board: a pod's log (namespace, name); board to host: its text, or null when no such pod runs there.</summary>
        public const byte LogsRequest = 17;
        public const byte LogsResponse = 18;

        /// <summary>Host asks for the board's kept settings (empty payload); answered by <see cref="Settings"/>.</summary>
        public const byte SettingsRequest = 19;

        /// <summary>Board: its kept settings (BoardSettings), then the name and address it runs with now.</summary>
        public const byte Settings = 20;

        /// <summary>Host: settings to keep (BoardSettings), then whether to restart into them; answered by an Ack (error or null).</summary>
        public const byte SettingsUpdate = 21;

        /// <summary>Host to board on a TCP line, after the board's Hello: the host's nonce and its proof that it holds the cluster key (SessionAuth).</summary>
        public const byte AuthProof = 22;

        /// <summary>Board to host: the board's proof; from here on every frame carries a sequence number and a MAC.</summary>
        public const byte AuthOk = 23;

        /// <summary>Board to host: the proof was wrong (or the board has no cluster key); why, in words; the board then hangs up.</summary>
        public const byte AuthRefused = 24;

        /// <summary>Host to board, authenticated: a new cluster key (its name, a wrap nonce, the key wrapped under the session); answered by an Ack.</summary>
        public const byte Rekey = 25;

        /// <summary>
        /// Host to a board with no cluster key, on the network: open a claim session, in which the
        /// board answers only Hello, its settings, and a settings update that gives it a key
        /// (boards whose console is not wired get their key this way, on an isolated switch); answered by an Ack.
        /// </summary>
        public const byte Claim = 26;

        /// <summary>
        /// Host to board: forward one TCP connection to a port inside a pod (namespace, name, port),
        /// as `kubectl port-forward` does. It takes the exec slot (one exec or forward at a time) and
        /// answers as an exec: ExecOutput (1 the pod's bytes, 2 why it failed), then ExecExit.
        /// </summary>
        public const byte PortForwardRequest = 27;

        /// <summary>
        /// Both ways under a forward's ID. Board to host: credit, a varint of how many more input
        /// bytes it takes (the first says how many it takes at once). Host to board: its client's
        /// bytes, never beyond the credit; an empty one when its client has finished sending.
        /// </summary>
        public const byte ExecInput = 28;

        /// <summary>
        /// Host to board: arm the packet tracer (`edgectl trace`): its mark, for how many
        /// milliseconds (0 clears it), the mode (record only, follow the next packet, send one),
        /// the pod it starts from (namespace and name; none: the node itself), protocol,
        /// destination address and port. Answered with an Ack (an error when it cannot); the
        /// hops are read with the trace view.
        /// </summary>
        public const byte TraceStart = 29;

        public static string Name(byte type)
        {
            switch (type)
            {
                case Hello: return "hello";
                case Snapshot: return "snapshot";
                case Ack: return "ack";
                case Heartbeat: return "heartbeat";
                case Event: return "event";
                case ExecRequest: return "exec";
                case ExecOutput: return "exec-output";
                case ExecExit: return "exec-exit";
                case ViewRequest: return "view";
                case ViewResponse: return "view-response";
                case ExecCancel: return "exec-cancel";
                case HelloRequest: return "hello-request";
                case Delta: return "delta";
                case CaptureStart: return "capture-start";
                case CaptureData: return "capture-data";
                case CaptureStop: return "capture-stop";
                case LogsRequest: return "logs";
                case LogsResponse: return "logs-response";
                case SettingsRequest: return "settings-request";
                case Settings: return "settings";
                case SettingsUpdate: return "settings-update";
                case AuthProof: return "auth-proof";
                case AuthOk: return "auth-ok";
                case AuthRefused: return "auth-refused";
                case Rekey: return "rekey";
                case Claim: return "claim";
                case PortForwardRequest: return "port-forward";
                case ExecInput: return "exec-input";
                case TraceStart: return "trace-start";
                default: return "type " + type.ToString();
            }
        }
    }
}
