namespace Edge.Host.Sessions;

/// <summary>
/// The bytes a board has said it will take for a forward's input (ExecInput credit): the host
/// sends only within it, so the board's fixed input ring never overflows.
/// </summary>
public sealed class InputCredit
{
    private readonly object _gate = new();
    private int _available;
    private TaskCompletionSource _more = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(int bytes)
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            _available += Math.Max(0, bytes);
            woken = _more;
            _more = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        woken.TrySetResult();
    }

    /// <summary>Takes up to <paramref name="wanted"/> bytes of credit, waiting until there is some.</summary>
    public async Task<int> TakeAsync(int wanted, CancellationToken cancel)
    {
        while (true)
        {
            Task more;
            lock (_gate)
            {
                if (_available > 0)
                {
                    int n = Math.Min(wanted, _available);
                    _available -= n;
                    return n;
                }

                more = _more.Task;
            }

            await more.WaitAsync(cancel);
        }
    }
}
