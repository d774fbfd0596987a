namespace Edge.Dataplane.Net
{
    /// <summary>
    /// A pod's standard output, for `edgectl logs`: its lines in the node's journal
    /// (<see cref="NodeLog"/>), tagged as this pod's.
    /// </summary>
    public sealed class PodLog
    {
        private readonly NodeLog _journal;
        private readonly byte _tag;

        public long LinesWritten;

        public PodLog(NodeLog journal)
        {
            _journal = journal;
            _tag = journal.NextTag();
        }

        public void Line(string text)
        {
            _journal.Line(_tag, text);
            LinesWritten++;
        }

        /// <summary>What the log holds, oldest line first.</summary>
        public string Text()
        {
            return _journal.Text(_tag);
        }
    }
}
