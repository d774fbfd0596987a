namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// The request line and header section of an HTTP/1.x request (RFC 9112 sections 2-5), read
    /// in place from the bytes received so far: where the target's path and the Host are, and
    /// how long the head is. Parse again as more bytes arrive; nothing is copied or allocated.
    /// A line may end in CRLF or a bare LF (RFC 9112 2.2); empty lines before the request line
    /// are skipped (2.2); obsolete line folding, whitespace before a field's colon, a second
    /// Host, or an HTTP/1.1 request without Host is a bad request (3.2, 5.1, 5.2).
    /// </summary>
    public sealed class RequestHead
    {
        /// <summary>What <see cref="Parse"/> found.</summary>
        public const int Incomplete = 0;
        public const int Complete = 1;
        public const int BadRequest = 400;
        public const int VersionNotSupported = 505;

        public int MethodStart;
        public int MethodLength;
        public int TargetStart;
        public int TargetLength;

        /// <summary>The target's path: the target up to its '?'.</summary>
        public int PathLength;

        /// <summary>The HTTP version's minor number (1.0 or 1.1).</summary>
        public int Minor;

        /// <summary>Where the field lines start (after the request line) and the whole head's length, its empty line included.</summary>
        public int FieldsStart;
        public int Length;

        /// <summary>The Host field's value as sent (with its port, if any): HostLength 0 when there was none.</summary>
        public int HostStart;
        public int HostLength;

        /// <summary>The Host without its port: what routes match.</summary>
        public int HostNameLength;

        /// <summary>The request asks to switch protocols (an Upgrade field, e.g. WebSocket).</summary>
        public bool Upgrade;

        /// <summary>The length of the value <see cref="FieldValue"/> found last.</summary>
        public int FieldValueLength;

        /// <summary>Reads the head from head[0..count): <see cref="Complete"/>, <see cref="Incomplete"/>, or the status to refuse it with.</summary>
        public int Parse(byte[] head, int count)
        {
            int start = 0;
            while (start < count && (head[start] == '\r' || head[start] == '\n'))
            {
                start++;
            }

            int end = HeadEnd(head, start, count);
            if (end < 0)
            {
                return Incomplete;
            }

            Length = end;
            HostLength = 0;
            HostNameLength = 0;
            Upgrade = false;
            int lineEnd = LineEnd(head, start, end);
            int status = RequestLine(head, start, ContentEnd(head, start, lineEnd));
            if (status != Complete)
            {
                return status;
            }

            FieldsStart = lineEnd + 1;
            int hosts = 0;
            for (int line = FieldsStart; line < end;)
            {
                int next = LineEnd(head, line, end) + 1;
                int content = ContentEnd(head, line, next - 1);
                if (content == line)
                {
                    break; // the empty line ending the head
                }

                int colon = IndexOf(head, line, content, (byte)':');
                if (colon <= line || head[line] == ' ' || head[line] == '\t' || head[colon - 1] == ' ' || head[colon - 1] == '\t')
                {
                    return BadRequest;
                }

                if (NameIs(head, line, colon, "host"))
                {
                    hosts++;
                    HostStart = SkipSpace(head, colon + 1, content);
                    HostLength = TrimEnd(head, HostStart, content) - HostStart;
                }
                else if (NameIs(head, line, colon, "upgrade"))
                {
                    Upgrade = true;
                }

                line = next;
            }

            if (hosts > 1 || (hosts == 0 && Minor == 1) || !ValidHost(head))
            {
                return BadRequest;
            }

            return Complete;
        }

        /// <summary>
        /// Where the value of the first field named <paramref name="lowerName"/> starts in a
        /// parsed head (its length in <see cref="FieldValueLength"/>, spaces around it left out),
        /// or -1 when the head has no such field.
        /// </summary>
        public int FieldValue(byte[] head, string lowerName)
        {
            for (int line = FieldsStart; line < Length;)
            {
                int next = LineEnd(head, line, Length) + 1;
                int content = ContentEnd(head, line, next - 1);
                int colon = IndexOf(head, line, content, (byte)':');
                if (colon > line && NameIs(head, line, colon, lowerName))
                {
                    int start = SkipSpace(head, colon + 1, content);
                    FieldValueLength = TrimEnd(head, start, content) - start;
                    return start;
                }

                line = next;
            }

            return -1;
        }

        /// <summary>Whether the field line at [line, colon) is named <paramref name="lowerName"/> (field names are case-insensitive).</summary>
        public static bool NameIs(byte[] head, int line, int colon, string lowerName)
        {
            if (colon - line != lowerName.Length)
            {
                return false;
            }

            for (int i = 0; i < lowerName.Length; i++)
            {
                int c = head[line + i];
                if (c >= 'A' && c <= 'Z')
                {
                    c += 'a' - 'A';
                }

                if (c != lowerName[i])
                {
                    return false;
                }
            }

            return true;
        }

        // request-line = method SP request-target SP HTTP-version; the target in origin form.
        private int RequestLine(byte[] head, int start, int end)
        {
            int space = IndexOf(head, start, end, (byte)' ');
            if (space <= start)
            {
                return BadRequest;
            }

            MethodStart = start;
            MethodLength = space - start;
            for (int i = start; i < space; i++)
            {
                if (!IsTokenChar(head[i]))
                {
                    return BadRequest;
                }
            }

            TargetStart = space + 1;
            int second = IndexOf(head, TargetStart, end, (byte)' ');
            if (second <= TargetStart || head[TargetStart] != '/')
            {
                return BadRequest;
            }

            TargetLength = second - TargetStart;
            int query = IndexOf(head, TargetStart, second, (byte)'?');
            PathLength = (query < 0 ? second : query) - TargetStart;
            int version = second + 1;
            if (end - version != 8 || head[version] != 'H' || head[version + 1] != 'T' || head[version + 2] != 'T' || head[version + 3] != 'P'
                || head[version + 4] != '/' || head[version + 6] != '.' || !IsDigit(head[version + 5]) || !IsDigit(head[version + 7]))
            {
                return BadRequest;
            }

            if (head[version + 5] != '1' || (head[version + 7] != '0' && head[version + 7] != '1'))
            {
                return VersionNotSupported;
            }

            Minor = head[version + 7] - '0';
            return Complete;
        }

        // A Host is a reg-name or IPv4 address, with an optional port: no spaces, slashes or
        // anything a route could be fooled by.
        private bool ValidHost(byte[] head)
        {
            int colon = -1;
            for (int i = HostStart; i < HostStart + HostLength; i++)
            {
                byte c = head[i];
                if (c == ':')
                {
                    if (colon >= 0)
                    {
                        return false;
                    }

                    colon = i;
                }
                else if (colon >= 0 ? !IsDigit(c) : !(IsAlphaNumeric(c) || c == '-' || c == '.' || c == '_'))
                {
                    return false;
                }
            }

            HostNameLength = colon >= 0 ? colon - HostStart : HostLength;
            return true;
        }

        // The index just past the head's empty line, or -1 while it has not arrived.
        private static int HeadEnd(byte[] head, int start, int count)
        {
            for (int i = start; i < count; i++)
            {
                if (head[i] != '\n')
                {
                    continue;
                }

                if (i + 1 < count && head[i + 1] == '\n')
                {
                    return i + 2;
                }

                if (i + 2 < count && head[i + 1] == '\r' && head[i + 2] == '\n')
                {
                    return i + 3;
                }
            }

            return -1;
        }

        // The index of the LF ending the line at start (end - 1 at the latest).
        internal static int LineEnd(byte[] head, int start, int end)
        {
            int lf = IndexOf(head, start, end, (byte)'\n');
            return lf < 0 ? end - 1 : lf;
        }

        // The line's content end: before its CR, if any.
        private static int ContentEnd(byte[] head, int start, int lf)
        {
            return lf > start && head[lf - 1] == '\r' ? lf - 1 : lf;
        }

        internal static int IndexOf(byte[] head, int start, int end, byte value)
        {
            for (int i = start; i < end; i++)
            {
                if (head[i] == value)
                {
                    return i;
                }
            }

            return -1;
        }

        private static int SkipSpace(byte[] head, int start, int end)
        {
            while (start < end && (head[start] == ' ' || head[start] == '\t'))
            {
                start++;
            }

            return start;
        }

        private static int TrimEnd(byte[] head, int start, int end)
        {
            while (end > start && (head[end - 1] == ' ' || head[end - 1] == '\t'))
            {
                end--;
            }

            return end;
        }

        private static bool IsDigit(byte c)
        {
            return c >= '0' && c <= '9';
        }

        private static bool IsAlphaNumeric(byte c)
        {
            return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }

        // tchar (RFC 9110 5.6.2).
        private static bool IsTokenChar(byte c)
        {
            return IsAlphaNumeric(c) || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*'
                || c == '+' || c == '-' || c == '.' || c == '^' || c == '_' || c == '`' || c == '|' || c == '~';
        }
    }
}
