using System.Text;
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.NfTests.Sim;

namespace Edge.Fuzz;

/// <summary>
/// HTTP requests into the built-in images: a client pod on board 1 connects to one of the
/// servers on board 2 (whoami, counter behind a network policy, hello, or echo; directly or
/// through a Service's virtual IP) and sends the input over real TCP, in pieces of a chosen
/// size, then optionally closes its side. The server reads the head in its socket
/// (<see cref="Edge.Dataplane.Workloads.HttpConnection"/>), answers, logs and closes. An HTTP
/// server's answer, when one comes, is an HTTP/1.1 status line; echo sends back what it got.
/// <code>
/// input := control(1) request*
/// control: bits 0-1 server (whoami, counter, hello, echo), bit 2 through the Service VIP,
///          bit 3 close after sending, bits 4-7 piece size (1 &lt;&lt; n bytes a millisecond)
/// </code>
/// </summary>
public sealed class HttpTarget : FuzzTarget
{
    private const int ConnectSteps = 50;
    private const int ReplySteps = 250;

    public override string Name => "http";

    public override string Covers => "HttpServer/HttpConnection (whoami, counter, hello) and echo over TCP in pods, request bytes from a client pod";

    public override void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        int control = input[0];
        int server = control & 3;
        bool viaService = (control & 4) != 0;
        bool close = (control & 8) != 0;
        int piece = 1 << Math.Min(control >> 4, 11);
        (uint address, ushort port) = Target(server, viaService);

        var lab = FuzzFixtures.Lab();
        PodSandbox client = lab.Agent(1).FindPod("default", "client").Sandbox;
        TcpSocket? socket = client.Connect(address, port);
        if (socket == null)
        {
            throw new FuzzFinding("a fresh client pod has no socket");
        }

        for (int i = 0; i < ConnectSteps && !socket.IsConnected && !socket.IsClosed; i++)
        {
            lab.Step();
        }

        if (!socket.IsConnected)
        {
            throw new FuzzFinding($"the client could not connect to {server} ({TcpError.Name(socket.Error)})");
        }

        var received = new List<byte>();
        byte[] buffer = new byte[1460];
        int sent = 1;
        bool closed = false;
        for (int i = 0; i < ReplySteps && !socket.IsClosed; i++)
        {
            if (sent < input.Length)
            {
                sent += socket.Send(input, sent, Math.Min(piece, input.Length - sent));
            }
            else if (close && !closed)
            {
                socket.Close();
                closed = true;
            }

            int n;
            while ((n = socket.Receive(buffer, 0, buffer.Length)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, n));
            }

            if (socket.EndOfStream && sent == input.Length && (closed || !close))
            {
                break;
            }

            lab.Step();
        }

        if (!socket.IsClosed)
        {
            socket.Abort();
        }

        Check(server, input, received);
    }

    private static void Check(int server, byte[] input, List<byte> received)
    {
        if (server == 3)
        {
            if (!input.AsSpan(1, Math.Min(received.Count, input.Length - 1)).SequenceEqual(received.ToArray().AsSpan(0, Math.Min(received.Count, input.Length - 1)))
                || received.Count > input.Length - 1)
            {
                throw new FuzzFinding("echo sent back what it was not sent");
            }

            return;
        }

        const string status = "HTTP/1.1 ";
        if (received.Count > 0 && (received.Count < status.Length || Encoding.ASCII.GetString(received.ToArray(), 0, status.Length) != status))
        {
            throw new FuzzFinding("an HTTP server answered without a status line: " + Encoding.ASCII.GetString(received.ToArray(), 0, Math.Min(received.Count, 40)));
        }
    }

    private static (uint, ushort) Target(int server, bool viaService) => server switch
    {
        0 => (viaService ? FuzzFixtures.WebVip : FuzzFixtures.WebIp, 80),
        1 => (FuzzFixtures.CounterIp, 80),
        2 => (FuzzFixtures.HelloIp, 80),
        _ => (viaService ? FuzzFixtures.EchoVip : FuzzFixtures.EchoIp, 7),
    };

    public override IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        const string get = "GET / HTTP/1.1\r\nHost: web\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n";
        yield return new("whoami-get", Request(0x80, get));
        yield return new("whoami-get-via-service", Request(0x84, get));
        yield return new("whoami-get-byte-by-byte", Request(0x00, get));
        yield return new("counter-get", Request(0x81, get));
        yield return new("hello-get-then-close", Request(0x8A, get));
        yield return new("echo-via-service", Request(0x47, "hello, echo\n"));
        yield return new("whoami-head-too-large", Request(0xB0, "GET / HTTP/1.1\r\nX-Long: " + new string('x', 2100) + "\r\n\r\n"));
        yield return new("whoami-head-never-ends", Request(0x88, "GET / HTTP/1.1\r\nHost: web\r\n"));
        yield return new("whoami-bare-lf", Request(0x80, "GET / HTTP/1.1\nHost: web\n\n"));
        yield return new("whoami-no-request-line", Request(0x80, "\r\n\r\n"));
        yield return new("whoami-two-requests", Request(0x80, get + get));
        yield return new("whoami-post-body", Request(0x80, "POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"));
        yield return new("whoami-non-ascii", Request(0x80, "GET /\u00e9\u00ff HTTP/1.1\r\nHost: \u0080\r\n\r\n", latin1: true));
        yield return new("hello-cr-only", Request(0x82, "GET / HTTP/1.1\r\r\r\r"));
        yield return new("counter-empty-then-close", [0x89]);
    }

    private static byte[] Request(byte control, string text, bool latin1 = false) =>
        [control, .. (latin1 ? Encoding.Latin1 : Encoding.ASCII).GetBytes(text)];
}
