using System.Text;
using System.Text.Json.Nodes;
using Edge.Tests;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// The ingress lesson's TLS step on three virtual boards, with the real curl: a
/// <c>kubernetes.io/tls</c> Secret per host, named in the Ingress's <c>spec.tls</c> (Kubernetes
/// "Ingress", TLS), is terminated by every board that takes TLS sessions, the certificate chosen
/// by the name the client asks for (SNI); the pod gets plaintext and sees https in the
/// forwarding fields; plain HTTP to a TLS host is sent to https with 308 (ingress-nginx's
/// ssl-redirect). A WROOM board takes no TLS sessions: the host sends it no certificates, it
/// opens no port 443 and serves those hosts over HTTP, and describe says so.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class IngressTlsEndToEndTests() : LabTest("ingress-tls")
{
    // node-1 boots as a WT32-ETH01 (WROOM: no TLS), node-2 and node-3 as ESP32-Ethernet-Kits (WROVER: four sessions each).
    private static readonly string[] Boards = ["127.0.10.164", "127.0.10.165", "127.0.10.166"];

    private (int Exit, int Code, string Body, string Err) Curl(params string[] args)
    {
        (int exit, string output, string err) = Tools.Run("curl", ["-s", "-S", "--max-time", "10", "--cacert", RootFile, "-w", "\n%{http_code}", .. args], TimeSpan.FromSeconds(20));
        int split = output.LastIndexOf('\n');
        return (exit, split < 0 ? 0 : int.Parse(output[(split + 1)..], System.Globalization.CultureInfo.InvariantCulture), split < 0 ? output : output[..split], err);
    }

    private string RootFile => Path.Combine(Home, "root.pem");

    [RequiresToolFact("curl", "root")]
    public void Boards_that_take_TLS_terminate_it_by_SNI_and_redirect_plain_HTTP_and_a_WROOM_board_serves_HTTP_only()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "3", "--first-address", Boards[0], "--profile", "wt32-eth01", "--profile", "esp32-ethernet-kit");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        Assert.Equal(["0", "4", "4"], Get("nodes")["items"]!.AsArray().Select(n => (string)n!["status"]!["capacity"]!["edge.dev/tls-sessions"]!));

        using var pki = new TestPki();
        File.WriteAllText(RootFile, pki.RootPem);
        string manifest = Path.Combine(Home, "tls.yaml");
        File.WriteAllText(manifest, TestPki.SecretYaml("web-tls", pki.Leaf("web.lab.example", "web.lab.example")) + TestPki.SecretYaml("shop-tls", pki.Leaf("shop", "*.shop.example")) + """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: secure
            spec:
              tls:
                - hosts: [web.lab.example]
                  secretName: web-tls
                - hosts: ["*.shop.example"]
                  secretName: shop-tls
              rules:
                - host: web.lab.example
                  http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                - host: "*.shop.example"
                  http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: hello, port: {number: 80}}}}
            """);
        CliRun apply = Edgectl.Run("apply", "-f", "examples/web.yaml", "-f", "examples/ingress.yaml", "-f", manifest);
        Assert.True(apply.ExitCode == 0, apply.Out + apply.Err);
        Assert.Contains("secret/web-tls created", apply.Out);

        // HTTPS on the boards that take TLS: curl checks the chain against the root and the name against the certificate.
        foreach (string board in Boards[1..])
        {
            var answer = Curl("--resolve", $"web.lab.example:443:{board}", "https://web.lab.example/who?x=1");
            WaitFor(() => (answer = Curl("--resolve", $"web.lab.example:443:{board}", "https://web.lab.example/who?x=1")).Code == 200, $"{board} serving https (last: {answer.Err}{answer.Body})");
            Assert.Matches(@"(?m)^Hostname: web-", answer.Body);
            Assert.Contains("GET /who?x=1 HTTP/1.1\n", answer.Body);
            Assert.Contains("X-Forwarded-Proto: https\n", answer.Body);
            Assert.Contains("X-Forwarded-Port: 443\n", answer.Body);
            Assert.Contains("Host: web.lab.example\n", answer.Body);

            // Another name, another certificate: only the *.shop.example one passes curl's check for a.shop.example.
            var shop = Curl("--resolve", $"a.shop.example:443:{board}", "https://a.shop.example/");
            Assert.True(shop.Code == 200 && shop.Body.Contains("Hello from Edge"), $"a.shop.example on {board}: {shop.Err}{shop.Body}");
        }

        // ssl-redirect, on by default for a host with TLS: plain HTTP is sent to https with 308.
        var plain = Curl("--resolve", $"web.lab.example:80:{Boards[2]}", "-D", "-", "http://web.lab.example/who?x=1");
        Assert.Equal(308, plain.Code);
        Assert.Contains("Location: https://web.lab.example/who?x=1\r\n", plain.Body);
        var followed = Curl("-L", "--resolve", $"web.lab.example:80:{Boards[2]}", "--resolve", $"web.lab.example:443:{Boards[2]}", "http://web.lab.example/who");
        Assert.True(followed.Code == 200 && followed.Body.Contains("X-Forwarded-Proto: https\n"), followed.Err + followed.Body);
        Assert.Equal(200, Curl($"http://{Boards[1]}/web").Code); // a rule without a TLS host is not redirected

        // The WROOM board: no certificates, no port 443, and the TLS hosts over plain HTTP as they came.
        var refused = Curl("--resolve", $"web.lab.example:443:{Boards[0]}", "https://web.lab.example/");
        Assert.Equal(7, refused.Exit); // curl: could not connect
        var http = Curl("--resolve", $"web.lab.example:80:{Boards[0]}", "http://web.lab.example/who");
        Assert.True(http.Code == 200 && http.Body.Contains("X-Forwarded-Proto: http\n"), http.Err + http.Body);

        string describe = Edgectl.Run("describe", "ingress", "secure").Out;
        Assert.Matches(@"(?m)^TLS:\s*$", describe);
        Assert.Matches(@"(?m)^\s+web-tls terminates web\.lab\.example$", describe);
        Assert.Matches(@"(?m)^\s+shop-tls terminates \*\.shop\.example$", describe);
        Assert.Contains("node-1", describe[describe.IndexOf("TLS:", StringComparison.Ordinal)..]);

        // The Secret reads back as Kubernetes shows it: data in base64, the type kept.
        JsonNode secret = Get("secret", "web-tls");
        Assert.Equal("kubernetes.io/tls", (string?)secret["type"]);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", Encoding.ASCII.GetString(Convert.FromBase64String((string)secret["data"]!["tls.crt"]!)));
    }
}
