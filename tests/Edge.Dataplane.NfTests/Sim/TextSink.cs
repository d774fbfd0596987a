#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Net;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>Collects a byte stream as text (an HTTP body, a tool's output): ASCII, as the workloads write.</summary>
    public sealed class TextSink : IByteSink
    {
        public string Text = "";

        public void Write(byte[] buffer, int offset, int length)
        {
            char[] chars = new char[length];
            for (int i = 0; i < length; i++)
            {
                chars[i] = (char)buffer[offset + i];
            }

            Text += new string(chars);
        }

        public bool Has(string part)
        {
            return Text.IndexOf(part) >= 0;
        }
    }
}
