// nanoFramework.System.Threading 1.1.52: cancellation, the members Edge.Firmware uses.
namespace System.Threading
{
    public struct CancellationToken
    {
        public CancellationToken(bool canceled) { }
        public static CancellationToken None => throw null;
        public bool IsCancellationRequested => throw null;
        public bool CanBeCanceled => throw null;
        public void ThrowIfCancellationRequested() => throw null;
    }

    public class CancellationTokenSource : IDisposable
    {
        public CancellationTokenSource() { }
        public CancellationTokenSource(int millisecondsDelay) { }
        public CancellationTokenSource(TimeSpan delay) { }
        public bool IsCancellationRequested => throw null;
        public CancellationToken Token => throw null;
        public void Cancel() => throw null;
        public void CancelAfter(int millisecondsDelay) => throw null;
        public void Dispose() => throw null;
    }
}
