#nullable disable
using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;

namespace Edge.NanoClr.Programs
{
    /// <summary>
    /// A control plane's end of a management line, speaking the board protocol with the
    /// dataplane's own codecs (Frame, StateCodec, StateDelta, Messages): it sends what edgectl
    /// sends and writes each frame the board sends back, decoded, as a report line: "tcp&lt; ack
    /// generation 1 applied". Heartbeats are counted, and written when what they say changed.
    /// </summary>
    public sealed class ControlPlane
    {
        private readonly string _link;
        private readonly IByteStream _line;
        private readonly ILog _report;
        private readonly FrameReader _reader = new FrameReader(Frame.MaxPayload);
        private readonly PayloadReader _payload = new PayloadReader();
        private readonly PayloadWriter _writer = new PayloadWriter();
        private readonly byte[] _out = new byte[Frame.HeaderLength + Frame.MaxPayload + Frame.TrailerLength];
        private readonly int[] _received = new int[32];
        private string _lastHeartbeat = "";
        private string _execLine = "";

        public uint HelloGeneration;
        public uint AckGeneration;
        public string AckError;
        public uint HeartbeatGeneration;
        public int ExecExitCode = -1;
        public long FramesSent;

        /// <param name="link">How the report names this line: "tcp", "console".</param>
        public ControlPlane(string link, IByteStream line, ILog report)
        {
            _link = link;
            _line = line;
            _report = report;
        }

        /// <summary>Frames of this type the board sent on this line.</summary>
        public int Received(byte type)
        {
            return _received[type];
        }

        /// <summary>What the board sent on this line, by type: "hello 1, ack 3, heartbeat 4".</summary>
        public string Summary()
        {
            string text = "";
            for (int type = 0; type < _received.Length; type++)
            {
                if (_received[type] > 0)
                {
                    text += (text.Length == 0 ? "" : ", ") + MessageType.Name((byte)type) + " " + _received[type].ToString();
                }
            }

            return _link + ": the board sent " + (text.Length == 0 ? "nothing" : text) + "; " + FramesSent.ToString() + " frames sent to it";
        }

        public void Garbage(string text)
        {
            byte[] bytes = Ascii.Bytes(text);
            Write(bytes, bytes.Length);
            _report.Write(_link + "> " + bytes.Length.ToString() + " bytes that are not frames");
        }

        public void Snapshot(DesiredState state, ushort requestId)
        {
            Begin();
            StateCodec.Encode(state, _writer);
            Send(MessageType.Snapshot, requestId, "snapshot generation " + state.Generation.ToString() + ": " + Describe(state));
        }

        public void Delta(uint baseGeneration, int flags, string[] removedServices, string[] removedDns, DesiredState changed, ushort requestId)
        {
            Begin();
            StateDelta.Encode(baseGeneration, flags, removedServices, removedDns, changed, _writer);
            Send(MessageType.Delta, requestId, "delta " + baseGeneration.ToString() + " -> " + changed.Generation.ToString() + ": " + Describe(changed));
        }

        public void Exec(string ns, string pod, string[] args, ushort requestId)
        {
            Begin();
            _writer.String(ns);
            _writer.String(pod);
            _writer.Int(args.Length);
            string command = "";
            for (int i = 0; i < args.Length; i++)
            {
                _writer.String(args[i]);
                command += (i == 0 ? "" : " ") + args[i];
            }

            _writer.String(null);
            ExecExitCode = -1;
            Send(MessageType.ExecRequest, requestId, "exec in " + ns + "/" + pod + ": " + command);
        }

        public void HelloRequest()
        {
            Begin();
            Send(MessageType.HelloRequest, 0, "hello-request");
        }

        public void SettingsRequest(ushort requestId)
        {
            Begin();
            Send(MessageType.SettingsRequest, requestId, "settings-request");
        }

        public void SettingsUpdate(BoardSettings settings, bool restart, ushort requestId)
        {
            Begin();
            settings.Write(_writer);
            _writer.Bool(restart);
            Send(MessageType.SettingsUpdate, requestId, "settings-update " + settings.Name + ", " + settings.DescribeAddressing() + (restart ? ", then restart" : ""));
        }

        /// <summary>Takes every whole frame the board has sent and reports it.</summary>
        public void Poll()
        {
            while (true)
            {
                int n = _reader.ReadFrom(_line);
                bool any = false;
                while (_reader.Next())
                {
                    any = true;
                    Take();
                }

                if (n <= 0 && !any)
                {
                    return;
                }
            }
        }

        private void Take()
        {
            byte type = _reader.Type;
            _received[type]++;
            _payload.Begin(_reader.Payload, _reader.PayloadOffset, _reader.PayloadLength);
            switch (type)
            {
                case MessageType.Hello:
                    {
                        string name = _payload.String();
                        string firmware = _payload.String();
                        uint address = _payload.Address();
                        int vxlanPort = _payload.Int();
                        HelloGeneration = _payload.Varint();
                        int maxPods = _payload.Int();
                        int maxPayload = _payload.Int();
                        Say("hello " + name + " firmware " + firmware + " at " + Ipv4Address.Format(address) + " vxlan " + vxlanPort.ToString()
                            + " generation " + HelloGeneration.ToString() + " max-pods " + maxPods.ToString() + " max-payload " + maxPayload.ToString());
                        break;
                    }

                case MessageType.Ack:
                    AckGeneration = _payload.Varint();
                    AckError = _payload.String();
                    Say("ack " + (_reader.RequestId == 0 ? "" : "#" + _reader.RequestId.ToString() + " ") + "generation " + AckGeneration.ToString()
                        + (AckError == null ? " applied" : " refused: " + AckError));
                    break;

                case MessageType.Heartbeat:
                    TakeHeartbeat();
                    break;

                case MessageType.ExecOutput:
                    {
                        int stream = _payload.Byte();
                        int length = _reader.PayloadLength - 1;
                        TakeExecOutput(stream, Ascii.GetString(_reader.Payload, _reader.PayloadOffset + 1, length));
                        break;
                    }

                case MessageType.ExecExit:
                    if (_execLine.Length > 0)
                    {
                        Say("exec| " + _execLine);
                        _execLine = "";
                    }

                    ExecExitCode = _payload.Int();
                    Say("exec exit " + ExecExitCode.ToString() + ", " + _payload.Varint().ToString() + " bytes lost");
                    break;

                case MessageType.Settings:
                    {
                        BoardSettings kept = BoardSettings.Read(_payload);
                        string name = _payload.String();
                        uint address = _payload.Address();
                        string note = _payload.String();
                        Say("settings kept: " + (kept == null ? "damaged" : (kept.Name.Length == 0 ? "no name" : kept.Name) + ", " + kept.DescribeAddressing())
                            + "; runs as " + name + " at " + Ipv4Address.Format(address) + (note == null ? "" : " (" + note + ")"));
                        break;
                    }

                default:
                    Say(MessageType.Name(type) + " (" + _reader.PayloadLength.ToString() + " bytes)");
                    break;
            }
        }

        private void TakeHeartbeat()
        {
            HeartbeatGeneration = _payload.Varint();
            int pods = _payload.Int();
            string text = "generation " + HeartbeatGeneration.ToString() + ":";
            for (int i = 0; i < pods; i++)
            {
                string ns = _payload.String();
                string name = _payload.String();
                _payload.String(); // uid
                int phase = _payload.Int();
                string reason = _payload.String();
                _payload.String(); // message
                text += (i == 0 ? " " : ", ") + ns + "/" + name + " " + PodPhase.Name(phase) + (reason == null || reason.Length == 0 ? "" : " (" + reason + ")");
            }

            text += (pods == 0 ? " no pods" : "") + "; drops " + _payload.Varint().ToString();
            if (text != _lastHeartbeat)
            {
                Say("heartbeat " + text);
                _lastHeartbeat = text;
            }
        }

        // Output arrives in chunks that split lines anywhere: report whole lines.
        private void TakeExecOutput(int stream, string text)
        {
            string pending = _execLine + text;
            int start = 0;
            for (int i = 0; i < pending.Length; i++)
            {
                if (pending[i] == '\n')
                {
                    string line = pending.Substring(start, i - start);
                    Say((stream == 2 ? "exec! " : "exec| ") + (line.Length > 0 && line[line.Length - 1] == '\r' ? line.Substring(0, line.Length - 1) : line));
                    start = i + 1;
                }
            }

            _execLine = pending.Substring(start);
        }

        private static string Describe(DesiredState s)
        {
            string pods = "";
            for (int i = 0; i < s.Pods.Length; i++)
            {
                pods += (i == 0 ? "" : ", ") + s.Pods[i].Name + " (" + s.Pods[i].Image + ")";
            }

            return s.Pods.Length.ToString() + " pods" + (s.Pods.Length == 0 ? "" : " [" + pods + "]") + ", " + s.Services.Length.ToString() + " services";
        }

        private void Begin()
        {
            _writer.Begin(_out, Frame.HeaderLength, _out.Length - Frame.TrailerLength);
        }

        private void Send(byte type, ushort requestId, string what)
        {
            int length = Frame.Seal(_out, 0, type, requestId, _writer.Length);
            Write(_out, length);
            FramesSent++;
            _report.Write(_link + "> " + what + " (" + length.ToString() + " bytes)");
        }

        private void Write(byte[] bytes, int length)
        {
            int sent = 0;
            while (sent < length)
            {
                int n = _line.Write(bytes, sent, length - sent);
                if (n <= 0)
                {
                    _report.Write(_link + "> the line took " + sent.ToString() + " of " + length.ToString() + " bytes");
                    return;
                }

                sent += n;
            }
        }

        private void Say(string line)
        {
            _report.Write(_link + "< " + line);
        }
    }
}
