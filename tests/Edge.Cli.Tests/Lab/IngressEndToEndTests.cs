using System.Text.Json.Nodes;
using Edge.Tests;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// The ingress lesson on three virtual boards, with the real curl: the workshop's manifests
/// (examples/web.yaml and examples/ingress.yaml) make every board route HTTP on its port 80 by
/// path and by host (Kubernetes "Ingress": path types, hostname rules), the whoami pods echo the
/// request as it reached them (the forwarding fields ingress-nginx adds), and what matches nothing
/// or has no backend is answered by the board with the status and the reason; ingress-nginx's
/// annotations (allowlist, canary, rewrite-target with a regular-expression path) as it has them.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class IngressEndToEndTests() : LabTest("ingress")
{
    private static readonly string[] Boards = ["127.0.10.161", "127.0.10.162", "127.0.10.163"];

    private static (int Code, string Body) Curl(params string[] args)
    {
        (int exit, string output, string err) = Tools.Run("curl", ["-s", "--max-time", "10", "-w", "\n%{http_code}", .. args], TimeSpan.FromSeconds(20));
        Assert.True(exit == 0, $"curl {string.Join(' ', args)} exited {exit}: {err}");
        int split = output.LastIndexOf('\n');
        return (int.Parse(output[(split + 1)..], System.Globalization.CultureInfo.InvariantCulture), output[..split]);
    }

    private int Endpoints(string service) => (Get("endpoints", service)["subsets"]?[0]?["addresses"] as JsonArray ?? []).Count;

    [RequiresToolFact("curl", "root")]
    public void Every_board_routes_HTTP_by_path_and_host_to_the_services_pods()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "3", "--first-address", Boards[0]);
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        CliRun apply = Edgectl.Run("apply", "-f", "examples/web.yaml", "-f", "examples/ingress.yaml");
        Assert.True(apply.ExitCode == 0, apply.Out + apply.Err);
        Assert.Contains("ingress.networking.k8s.io/apps created", apply.Out);
        WaitFor(() => Endpoints("web") == 3 && Endpoints("hello") == 2, "the web and hello pods ready");

        // The Ingresses list every Ready board's address, as ServiceLB-style controllers do.
        WaitFor(() => (Get("ingress", "apps")["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).Count == 3, "the boards' addresses in the Ingress's status");
        Assert.Equal(Boards, Get("ingress", "hosts")["status"]!["loadBalancer"]!["ingress"]!.AsArray().Select(i => (string)i!["ip"]!));
        Assert.Matches(@"(?m)^apps\s+edge\s+\*\s+127\.0\.10\.161,127\.0\.10\.162,127\.0\.10\.163\s+80\s+", Edgectl.Run("get", "ingress").Out);

        // By path, on every board: whoami shows the request as it reached the pod.
        foreach (string board in Boards)
        {
            (int code, string body) = (0, "");
            WaitFor(() => ((code, body) = Curl($"http://{board}/web/who?x=1")).code == 200, $"{board} serving /web");
            Assert.Matches(@"(?m)^Hostname: web-", body);
            Assert.Contains("GET /web/who?x=1 HTTP/1.1\n", body);
            Assert.Contains($"Host: {board}\n", body);
            Assert.Contains("X-Real-IP: 127.0.0.1\n", body);
            Assert.Contains("X-Forwarded-For: 127.0.0.1\n", body);
            Assert.Contains($"X-Forwarded-Host: {board}\n", body);
            Assert.Contains("X-Forwarded-Port: 80\n", body);
            Assert.Contains("X-Forwarded-Proto: http\n", body);
        }

        // Exact is exact; Prefix goes by whole path elements.
        Assert.Contains("Hello from Edge", Curl($"http://{Boards[1]}/hello").Body);
        Assert.Equal(404, Curl($"http://{Boards[1]}/hello/there").Code);
        Assert.Equal(404, Curl($"http://{Boards[1]}/webby").Code);

        // By host (curl --resolve, as without DNS for the names).
        Assert.Contains("Hello from Edge", Curl("--resolve", $"hello.lab.example:80:{Boards[2]}", "http://hello.lab.example/").Body);
        Assert.Matches(@"(?m)^Hostname: web-", Curl("--resolve", $"web.lab.example:80:{Boards[0]}", "http://web.lab.example/anything").Body);

        // ingress-nginx's annotations: an allowlist the laptop is not in (403), a canary by header.
        string annotated = Path.Combine(Home, "annotated.yaml");
        File.WriteAllText(annotated, """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: private
              annotations:
                nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8
            spec:
              rules:
                - http:
                    paths:
                      - {path: /private, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            ---
            # ingress-nginx's documented rewrite: /something/x reaches the pod as /x.
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: rewrite
              annotations:
                nginx.ingress.kubernetes.io/rewrite-target: /$2
            spec:
              rules:
                - http:
                    paths:
                      - {path: /something(/|$)(.*), pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web-canary
              annotations:
                nginx.ingress.kubernetes.io/canary: "true"
                nginx.ingress.kubernetes.io/canary-by-header: X-Canary
            spec:
              rules:
                - host: web.lab.example
                  http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: hello, port: {number: 80}}}}
            """);
        Apply(annotated);
        WaitFor(() => Curl($"http://{Boards[0]}/private").Code == 403, "403 for a client outside the allowlist");
        (int rewrittenCode, string rewritten) = Curl($"http://{Boards[1]}/SOMETHING/new/path?x=1");
        Assert.True(rewrittenCode == 200, rewritten);
        Assert.Contains("GET /new/path?x=1 HTTP/1.1\n", rewritten); // the pattern matches without case, the path becomes /$2, the query follows
        Assert.Contains("GET / HTTP/1.1\n", Curl($"http://{Boards[2]}/something").Body);
        Assert.Equal(404, Curl($"http://{Boards[2]}/somethingelse").Code);
        Assert.Contains("whitelist-source-range", Curl($"http://{Boards[1]}/private").Body);
        string resolve = $"web.lab.example:80:{Boards[2]}";
        WaitFor(() => Curl("--resolve", resolve, "-H", "X-Canary: always", "http://web.lab.example/").Body.Contains("Hello from Edge"), "the canary taking X-Canary: always");
        Assert.Matches(@"(?m)^Hostname: web-", Curl("--resolve", resolve, "-H", "X-Canary: never", "http://web.lab.example/").Body);
        Assert.Matches(@"(?m)^Hostname: web-", Curl("--resolve", resolve, "http://web.lab.example/").Body); // weight 0: the rest stay on web
        Assert.DoesNotContain("Ignored annotations", Edgectl.Run("describe", "ingress", "private").Out);

        // Nothing matches: 404 with the reason; a backend without endpoints: 503.
        (int notFound, string why) = Curl($"http://{Boards[0]}/nowhere");
        Assert.Equal((404, "404 Not Found: no Ingress rule matches this host and path, and no Ingress has a defaultBackend\n"), (notFound, why));
        CliRun scale = Edgectl.Run("scale", "deployment", "hello", "--replicas", "0");
        Assert.True(scale.ExitCode == 0, scale.Err);
        WaitFor(() => Curl($"http://{Boards[0]}/hello").Code == 503, "503 once hello has no endpoint");

        // describe says where the Ingress is served and what each rule reaches.
        string describe = Edgectl.Run("describe", "ingress", "apps").Out;
        Assert.Matches(@"(?m)^Address:\s+127\.0\.10\.161,127\.0\.10\.162,127\.0\.10\.163$", describe);
        Assert.Matches(@"(?m)^\s+/web\s+web:http \(10\.244\.\d+\.\d+:80,", describe);
    }
}
