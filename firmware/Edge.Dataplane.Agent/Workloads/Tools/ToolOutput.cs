using Edge.Dataplane.Net;

namespace Edge.Dataplane.Workloads.Tools
{
    /// <summary>Standard output and error of a tool, as byte streams.</summary>
    public sealed class ToolOutput
    {
        public readonly IByteSink Out;
        public readonly IByteSink Err;

        public ToolOutput(IByteSink output, IByteSink error)
        {
            Out = output;
            Err = error;
        }

        public void Line(string text)
        {
            Write(Out, text + "\n");
        }

        public void ErrorLine(string text)
        {
            Write(Err, text + "\n");
        }

        public void Bytes(byte[] buffer, int offset, int length)
        {
            Out.Write(buffer, offset, length);
        }

        private static void Write(IByteSink sink, string text)
        {
            byte[] bytes = Ascii.Bytes(text);
            sink.Write(bytes, 0, bytes.Length);
        }
    }
}
