using Edge.Host.Serial;
using Edge.Host.Sessions;

namespace Edge.Host.Cluster;

/// <summary>
/// Where the control plane finds a board: <c>tcp://HOST:PORT</c> (a virtual board's management
/// port) or <c>serial:///dev/ttyUSB0?baud=115200</c> (a board on USB). Kept on the Node as the
/// annotation edge.dev/link, so a restarted control plane knows where its boards are.
/// </summary>
public sealed record BoardLink(string Scheme, string Target, int Port, int Baud)
{
    public const string Annotation = "edge.dev/link";

    public static BoardLink Parse(string text)
    {
        if (text.StartsWith("tcp://", StringComparison.Ordinal))
        {
            string rest = text["tcp://".Length..];
            int colon = rest.LastIndexOf(':');
            if (colon > 0 && int.TryParse(rest[(colon + 1)..], out int port) && port is > 0 and < 65536)
            {
                return new BoardLink("tcp", rest[..colon], port, 0);
            }

            throw new FormatException($"board link \"{text}\": expected tcp://HOST:PORT, e.g. tcp://127.0.10.1:7900");
        }

        if (text.StartsWith("serial://", StringComparison.Ordinal) || text.StartsWith('/'))
        {
            string rest = text.StartsWith('/') ? text : text["serial://".Length..];
            int baud = 115200;
            int q = rest.IndexOf('?');
            if (q >= 0)
            {
                string query = rest[(q + 1)..];
                rest = rest[..q];
                if (!query.StartsWith("baud=", StringComparison.Ordinal) || !int.TryParse(query[5..], out baud))
                {
                    throw new FormatException($"board link \"{text}\": the only option is ?baud=N");
                }
            }

            return new BoardLink("serial", rest, 0, baud);
        }

        throw new FormatException($"board link \"{text}\": expected tcp://HOST:PORT (virtual board) or serial:///dev/ttyUSB0 (a board on USB)");
    }

    /// <summary>Opens a session on the link (the board says hello on its own); <paramref name="key"/> is what a board on the network must be shown.</summary>
    public async Task<BoardClient> ConnectAsync(Edge.Host.Trust.ClusterKey? key, CancellationToken cancel)
    {
        if (Scheme == "tcp")
        {
            return await BoardClient.ConnectAsync(Target, Port, key, cancel);
        }

        try
        {
            return BoardClient.Over(SerialLine.Open(Target, Baud), key);
        }
        catch (IOException e)
        {
            throw new BoardSessionException(e.Message);
        }
    }

    public override string ToString() => Scheme == "tcp" ? $"tcp://{Target}:{Port}" : $"serial://{Target}?baud={Baud}";
}
