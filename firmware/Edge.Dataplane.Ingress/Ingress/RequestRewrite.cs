namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// ingress-nginx's <c>rewrite-target</c>, done to the request head in place before it goes to
    /// the pod: as nginx's <c>rewrite</c>, the whole path becomes the route's target with
    /// <c>$0</c>-<c>$9</c> from its pattern's match, followed by the request's query (after
    /// <c>&amp;</c> when the target has a query of its own, dropped when the target ends in
    /// <c>?</c>). The new target is first written in the buffer's free end, then the rest of the
    /// head moves to make room, then it is copied into place: nothing is allocated.
    /// </summary>
    public static class RequestRewrite
    {
        /// <summary>The head's new length, or -1 when the rewritten head would not fit the buffer. The caller parses the head again.</summary>
        public static int Apply(byte[] head, int count, RequestHead request, string target, PathPattern match)
        {
            int scratch = count; // the new target is built after the head
            int at = scratch;
            int end = target.Length;
            bool keepQuery = end == 0 || target[end - 1] != '?';
            end -= keepQuery ? 0 : 1;
            bool ownQuery = false;
            for (int i = 0; i < end; i++)
            {
                char c = target[i];
                if (c == '$' && i + 1 < end && target[i + 1] >= '0' && target[i + 1] <= '9')
                {
                    int group = target[++i] - '0';
                    int length = match.GroupLength(group);
                    if (at + length > head.Length)
                    {
                        return -1;
                    }

                    System.Array.Copy(head, request.TargetStart + match.GroupStart(group), head, at, length);
                    at += length;
                    continue;
                }

                if (at == head.Length)
                {
                    return -1;
                }

                ownQuery |= c == '?';
                head[at++] = (byte)c;
            }

            if (at == scratch || head[scratch] != '/')
            {
                // An empty path, or one that does not start with '/' (a target of "$1" whose group
                // has none), is no request target: it gets the '/' in front.
                if (at == head.Length)
                {
                    return -1;
                }

                System.Array.Copy(head, scratch, head, scratch + 1, at - scratch);
                head[scratch] = (byte)'/';
                at++;
            }

            int query = request.TargetStart + request.PathLength; // '?' and the query, if any
            int queryLength = request.TargetLength - request.PathLength;
            if (keepQuery && queryLength > 1)
            {
                int from = ownQuery ? query + 1 : query;
                int length = query + queryLength - from;
                if (at + (ownQuery ? 1 : 0) + length > head.Length)
                {
                    return -1;
                }

                if (ownQuery)
                {
                    head[at++] = (byte)'&';
                }

                System.Array.Copy(head, from, head, at, length);
                at += length;
            }

            int newTarget = at - scratch;
            int rest = request.TargetStart + request.TargetLength; // " HTTP/1.1\r\n", the fields, the body bytes that came
            int grown = newTarget - request.TargetLength;
            if (count + grown + newTarget > head.Length)
            {
                return -1; // the moved head and the new target, side by side
            }

            int built = grown > 0 ? count + grown : scratch; // out of the way of the rest of the head, moved right
            System.Array.Copy(head, scratch, head, built, newTarget);
            System.Array.Copy(head, rest, head, rest + grown, count - rest);
            System.Array.Copy(head, built, head, request.TargetStart, newTarget);
            return count + grown;
        }
    }
}
