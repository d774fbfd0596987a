namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// ASCII text to and from bytes for HTTP and tool output, without System.Text (a separate
    /// nanoFramework package the dataplane does not otherwise need). Non-ASCII characters
    /// become '?'.
    /// </summary>
    public static class Ascii
    {
        /// <summary>Writes the text at offset; returns the bytes written (cut at the buffer's end).</summary>
        public static int Write(string text, byte[] buffer, int offset)
        {
            int n = text.Length < buffer.Length - offset ? text.Length : buffer.Length - offset;
            for (int i = 0; i < n; i++)
            {
                char c = text[i];
                buffer[offset + i] = c < 128 ? (byte)c : (byte)'?';
            }

            return n;
        }

        public static byte[] Bytes(string text)
        {
            byte[] bytes = new byte[text.Length];
            Write(text, bytes, 0);
            return bytes;
        }

        public static string GetString(byte[] buffer, int offset, int length)
        {
            char[] chars = new char[length];
            for (int i = 0; i < length; i++)
            {
                byte b = buffer[offset + i];
                chars[i] = b < 128 ? (char)b : '?';
            }

            return new string(chars);
        }

        /// <summary>Text made safe to put in HTML: &amp;, &lt; and &gt; escaped.</summary>
        public static string HtmlText(string text)
        {
            string safe = "";
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                safe += c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c.ToString();
            }

            return safe;
        }

        /// <summary>The text with every '\r' removed (CRLF lines become LF lines).</summary>
        public static string WithoutCarriageReturns(string text)
        {
            char[] chars = new char[text.Length];
            int n = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] != '\r')
                {
                    chars[n++] = text[i];
                }
            }

            return new string(chars, 0, n);
        }

        /// <summary>Where "\r\n\r\n" starts in [offset, offset + length), or -1.</summary>
        public static int IndexOfHeaderEnd(byte[] buffer, int offset, int length)
        {
            for (int i = offset; i + 3 < offset + length; i++)
            {
                if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
