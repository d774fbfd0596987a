namespace Edge.Dataplane.Net
{
    /// <summary>
    /// A pod's standard output, for `edgectl logs`: its lines in the node's journal
    /// (<see cref="NodeLog"/>), tagged as this pod's.
    /// </summary>
    public sealed class PodLog
    {
        private readonly NodeLog _journal;

        // The lines written (the low 56 bits) and the tag (the top 8) in one field: on nanoFramework
        // a field is a 12-byte block whatever its type, and a board keeps a log for every pod and
        // for each of its containers but the first.
        private long _tagAndLines;

        private const int TagShift = 56;

        public PodLog(NodeLog journal)
        {
            _journal = journal;
            _tagAndLines = (long)journal.NextTag() << TagShift;
        }

        public long LinesWritten
        {
            get { return _tagAndLines & ((1L << TagShift) - 1); }
        }

        private byte Tag
        {
            get { return (byte)((ulong)_tagAndLines >> TagShift); }
        }

        public void Line(string text)
        {
            _journal.Line(Tag, text);
            _tagAndLines++;
        }

        /// <summary>What the log holds, oldest line first.</summary>
        public string Text()
        {
            return _journal.Text(Tag);
        }
    }
}
