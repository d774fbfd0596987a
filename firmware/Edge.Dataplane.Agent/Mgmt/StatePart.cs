namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// A desired state crosses the line as one or more parts, each the payload of a Snapshot (or
    /// Delta) frame, so that no state needs a frame, or a board a buffer, as large as itself:
    /// <code>
    /// | generation (varint) | part (varint, 0 first) | following (varint) | body ... |
    /// </code>
    /// <list type="bullet">
    /// <item>generation: the state's, the same in every part (a Delta's is the generation it makes);</item>
    /// <item>part: 0, 1, 2 ... in the order they are sent; part 0 starts a state (and supersedes one
    /// whose parts stopped coming: the host gave up on it);</item>
    /// <item>following: how many bytes of body the later parts hold; 0 in the last part. Part 0's
    /// body and following make the state's length, and every count in the state is checked
    /// against what is left of it (<see cref="PayloadReader.Beyond"/>).</item>
    /// </list>
    /// The bodies in order are the state's encoding (<see cref="StateCodec"/>, or a Delta's,
    /// <see cref="StateDelta"/>), cut only between the units <see cref="StateDecoder"/> reads (a
    /// string of the table, the node settings, the peers and pods, a service, a DNS entry, the
    /// cluster's pods, the policies, the ingress routes, the TLS certificates): a board decodes
    /// each part as it arrives, in the frame reader's buffer, and keeps only the decode's cursor
    /// between parts (<see cref="StateReceiver"/>). A state that fits one frame is one part. The
    /// board answers once, after the last part, with the Ack it always gave; a part missing,
    /// repeated, out of order or of another generation refuses the state with the reason.
    /// </summary>
    public static class StatePart
    {
        /// <summary>The most parts a state takes: with a WROOM board's 1,280-byte frames, 80 KiB, more than its heap can hold decoded.</summary>
        public const int MaxParts = 64;

        /// <summary>The longest header: a generation and a count of bytes following, up to 5 bytes each as varints, and a part below 64 (1).</summary>
        public const int MaxHeaderLength = 11;

        public static void WriteHeader(PayloadWriter w, uint generation, int part, int following)
        {
            w.Varint(generation);
            w.Int(part);
            w.Int(following);
        }
    }
}
