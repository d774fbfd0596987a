using Edge.Dataplane.Net;
using Edge.Dataplane.Text;

namespace Edge.Dataplane.Proxy.Views
{
    /// <summary>
    /// The packet tracer's hops on this board, for the control plane to put in order across the
    /// boards and show (`edgectl trace`): first "trace MARK HOPS LOST NOW ARMED", then per hop
    /// "hop MS STEP request|reply A B HEX" (the step's number and its two details as
    /// <see cref="PacketTrace"/> defines them, the frame's first bytes in hex), each followed by
    /// the flow events that point wrote, in the flows view's words (<see cref="FlowView.Event"/>).
    /// Numbers, not names: the control plane runs the same code and names them.
    /// </summary>
    public static class TraceView
    {
        private const string Hex = "0123456789abcdef";

        public static void Render(PacketTrace trace, ServiceTable services, long now, TextBuilder text)
        {
            text.Line("trace " + trace.Mark.ToString() + " " + trace.Count.ToString() + " " + trace.Lost.ToString() + " "
                + ((uint)now).ToString() + (trace.Armed(now) ? " armed" : " done"));
            var words = new uint[PacketTrace.Words];
            var headers = new byte[PacketTrace.HeaderBytes];
            var hex = new char[PacketTrace.HeaderBytes * 2];
            var e = new uint[FlowLog.Words];
            for (int hop = 0; hop < trace.Count; hop++)
            {
                int kept = trace.Read(hop, words, headers);
                for (int i = 0; i < kept; i++)
                {
                    hex[i * 2] = Hex[headers[i] >> 4];
                    hex[i * 2 + 1] = Hex[headers[i] & 0x0F];
                }

                text.Append("hop ").Append(words[0].ToString()).Append(" ").Append((words[1] >> 24).ToString())
                    .Append(((words[1] >> 16) & 1) != 0 ? " reply " : " request ").Append(words[2].ToString()).Append(" ").Append(words[3].ToString())
                    .Append(" ").Line(new string(hex, 0, kept * 2));
                int events = (int)((words[1] >> 8) & 0xFF);
                for (int i = 0; i < events; i++)
                {
                    System.Array.Copy(words, 5 + i * FlowLog.Words, e, 0, FlowLog.Words);
                    FlowView.Event(words[4] + i, e, services, null, text);
                }
            }
        }
    }
}
