namespace Edge.Dataplane.Text
{
    /// <summary>Where a streaming <see cref="TextBuilder"/> sends its text as its buffer fills (a board sends it on as frames).</summary>
    public interface ITextSink
    {
        void Write(char[] text, int length);
    }
}
