using System.Text;
using Edge.Host.Sessions;

namespace Edge.Host.Api;

/// <summary>
/// What <c>kubectl attach</c> shows, whatever carries it: what the pod's workload writes from now
/// on (its board's log, asked once a second, as <c>logs -f</c> follows it), until the caller stops
/// or the pod is gone. A board reconnecting is waited out; what was written before attaching is
/// left to <c>logs</c>.
/// </summary>
public static class PodOutput
{
    public static async Task FollowAsync(Func<BoardClient?> session, Func<bool> podExists, string ns, string pod, Func<byte[], Task> send, CancellationToken stop)
    {
        var follower = new LogFollower();
        bool first = true;
        while (!stop.IsCancellationRequested && podExists())
        {
            if (session() is BoardClient board)
            {
                try
                {
                    string added = follower.Next(await board.LogsAsync(ns, pod, TimeSpan.FromSeconds(10)));
                    if (!first && added.Length > 0)
                    {
                        await send(Encoding.UTF8.GetBytes(added));
                    }

                    first = false;
                }
                catch (BoardSessionException)
                {
                    // the board is reconnecting: keep watching
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1), stop);
        }
    }
}
