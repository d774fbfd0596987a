namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// The host's side of a state in parts (<see cref="StatePart"/>): an encoded state cut into
    /// payloads no larger than the board's frame, each part as many whole units as fit. Where a
    /// unit ends is where <see cref="StateDecoder"/> says it does (the encoded state is walked
    /// with it), so host and board cannot disagree on it.
    /// </summary>
    public static class StateParts
    {
        /// <summary>
        /// The parts' payloads (header and body), in order, each at most <paramref name="maxPayload"/>
        /// bytes; null when the state cannot be cut so (then <paramref name="problem"/> says why: a
        /// unit alone larger than a part, or more than <see cref="StatePart.MaxParts"/> parts).
        /// <paramref name="body"/>[offset, +length) is a Snapshot's payload as StateCodec writes it,
        /// or a Delta's (<paramref name="delta"/>).
        /// </summary>
        public static byte[][] Split(byte[] body, int offset, int length, bool delta, uint generation, int maxPayload, out string problem)
        {
            int[] ends = Cut(body, offset, length, delta, maxPayload - StatePart.MaxHeaderLength, out problem);
            if (ends == null)
            {
                return null;
            }

            var parts = new byte[ends.Length][];
            var w = new PayloadWriter();
            int from = offset;
            for (int i = 0; i < ends.Length; i++)
            {
                byte[] part = new byte[StatePart.MaxHeaderLength + ends[i] - from];
                w.Begin(part, 0, part.Length);
                StatePart.WriteHeader(w, generation, i, offset + length - ends[i]);
                w.Raw(body, from, ends[i] - from);
                parts[i] = new byte[w.Length];
                System.Array.Copy(part, parts[i], w.Length);
                from = ends[i];
            }

            return parts;
        }

        // Where each part's body ends: as many whole units as fit in maxBody, the last unit
        // (the TLS certificates, which may hold keys this walk cannot decrypt) running to the end.
        private static int[] Cut(byte[] body, int offset, int length, bool delta, int maxBody, out string problem)
        {
            problem = null;
            int end = offset + length;
            if (length <= maxBody)
            {
                return new int[] { end };
            }

            var r = new PayloadReader();
            r.Begin(body, offset, length);
            var walk = new StateDecoder(delta, null, null, null);
            int[] ends = new int[StatePart.MaxParts];
            int parts = 0;
            int start = offset; // of the part being filled
            int cut = offset; // the last unit's end in it
            while (true)
            {
                bool last = walk.NextIsLast;
                if (!last)
                {
                    walk.Step(r);
                    if (r.Failed || (r.AtEnd && !walk.NextIsLast))
                    {
                        problem = "the state does not decode";
                        return null;
                    }
                }

                int unitEnd = last ? end : r.Position;
                if (unitEnd - start > maxBody)
                {
                    // The part is full: it ends where the last unit did, and this unit starts the next.
                    if (unitEnd - cut > maxBody)
                    {
                        problem = "one of its units (from byte " + (cut - offset).ToString() + " to " + (unitEnd - offset).ToString()
                            + ": the peers and pods, the policies, the ingress routes or the TLS certificates are each one) is larger than a part of " + maxBody.ToString() + " bytes";
                        return null;
                    }

                    if (parts == ends.Length - 1)
                    {
                        problem = "it takes more than " + StatePart.MaxParts.ToString() + " parts of " + maxBody.ToString() + " bytes";
                        return null;
                    }

                    ends[parts++] = cut;
                    start = cut;
                }

                cut = unitEnd;
                if (last)
                {
                    ends[parts++] = end;
                    int[] taken = new int[parts];
                    System.Array.Copy(ends, taken, parts);
                    return taken;
                }
            }
        }
    }
}
