namespace Edge.Dataplane.Platform
{
    /// <summary>
    /// The management line to the host: the console UART of a board, a TCP connection for a
    /// virtual board. Non-blocking both ways.
    /// </summary>
    public interface IByteStream
    {
        /// <summary>Bytes read; 0 when none are waiting; -1 when the line is gone.</summary>
        int Read(byte[] buffer, int offset, int length);

        /// <summary>Bytes taken; 0 when the line cannot take more now; -1 when it is gone.</summary>
        int Write(byte[] buffer, int offset, int length);
    }
}
