// nanoFramework.System.IO.Streams 1.1.96 (nanoframework/System.IO.Streams, tag v1.1.96): Stream, the
// base of System.Net's NetworkStream, with the members Edge.Firmware reaches through SslStream.
// On a board it is System.IO.Streams' own assembly; here it sits in this surface, as a compile
// check needs the type, not its assembly's name.
namespace System.IO
{
    public abstract class Stream : MarshalByRefObject, IDisposable
    {
        public abstract int Read(byte[] buffer, int offset, int count);
        public abstract void Write(byte[] buffer, int offset, int count);
        public virtual void Close() => throw null;
        public void Dispose() => throw null;
        protected virtual void Dispose(bool disposing) => throw null;
    }
}
