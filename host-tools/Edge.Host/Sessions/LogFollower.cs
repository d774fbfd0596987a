namespace Edge.Host.Sessions;

/// <summary>
/// Following a pod's log (<c>logs -f</c>) from the snapshots a board answers with: the board
/// keeps the last bytes in a bounded ring, so each snapshot is the one before with lines added
/// at the end and perhaps some bytes dropped from the start (mid-line, too). What is new is what
/// follows the longest end of the previous snapshot that starts this one; when none does (more
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

    // The length of the longest suffix of seen that is a prefix of now: the ring may drop bytes
    // from its start mid-line, so the snapshot can begin anywhere in what was seen.
    private static int Overlap(string seen, string now)
    {
        for (int start = Math.Max(0, seen.Length - now.Length); start < seen.Length; start++)
        {
            if (string.CompareOrdinal(seen, start, now, 0, seen.Length - start) == 0)
            {
                return seen.Length - start;
            }
        }

        return 0;
    }
}
