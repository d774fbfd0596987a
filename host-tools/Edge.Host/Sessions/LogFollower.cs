namespace Edge.Host.Sessions;

/// <summary>
/// Following a pod's log (<c>logs -f</c>) from the snapshots a board answers with: the board
/// keeps the last lines in a bounded ring, so each snapshot is the one before with lines added
/// at the end and perhaps some dropped from the start. What is new is what follows the longest
/// run of whole lines that ends the previous snapshot and starts this one; when none does (more
/// was written between two looks than the ring holds), the snapshot whole.
/// </summary>
public sealed class LogFollower
{
    private string _seen = "";

    /// <summary>What <paramref name="snapshot"/> adds to the snapshots before it: whole lines only (a line still being written waits for its end).</summary>
    public string Next(string snapshot)
    {
        int end = snapshot.LastIndexOf('\n') + 1;
        string whole = snapshot[..end];
        string added = whole[Overlap(_seen, whole)..];
        _seen = whole;
        return added;
    }

    // The length of the longest suffix of seen, starting at a line, that is a prefix of now.
    private static int Overlap(string seen, string now)
    {
        for (int start = 0; start < seen.Length; start = seen.IndexOf('\n', start) + 1)
        {
            int length = seen.Length - start;
            if (length <= now.Length && string.CompareOrdinal(seen, start, now, 0, length) == 0)
            {
                return length;
            }

            if (seen.IndexOf('\n', start) < 0)
            {
                break;
            }
        }

        return 0;
    }
}
