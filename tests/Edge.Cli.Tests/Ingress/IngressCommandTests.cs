using System.Net;
using System.Text.Json.Nodes;
using Edge.Host.Api;
using Edge.Host.Cluster;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Cli.Tests.Ingress;

/// <summary>
/// `edgectl get ingress|ingressclass` and `edgectl describe ingress` as typed, against a control
/// plane's API in this process (no boards: the objects are stored as the controllers would have
/// left them, the Ingress's addresses included).
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class IngressCommandTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-ingress-cli-").FullName;
    private ObjectStore _store = null!;
    private ControlPlane _controlPlane = null!;
    private ApiServer _api = null!;

    public async Task InitializeAsync()
    {
        _store = ObjectStore.Open(Path.Combine(_dir, "lab.db"));
        DefaultIngressClass.Seed(_store);
        foreach (string json in new[]
        {
            """{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"}, "spec": {"ports": [{"port": 80, "targetPort": 8080}]}}""",
            """{"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "web", "namespace": "default"}, "subsets": [{"addresses": [{"ip": "10.244.1.2"}], "ports": [{"port": 8080}]}]}""",
            """
            {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
             "metadata": {"name": "web", "namespace": "default", "annotations": {"nginx.ingress.kubernetes.io/proxy-body-size": "8m"}},
             "spec": {"ingressClassName": "edge", "tls": [{"hosts": ["web.example.com"], "secretName": "web-tls"}],
                      "rules": [{"host": "web.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                                 "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]},
             "status": {"loadBalancer": {"ingress": [{"ip": "192.168.50.11"}, {"ip": "192.168.50.12"}]}}}
            """,
        })
        {
            _store.Create(new KubeObject((JsonObject)JsonNode.Parse(json)!));
        }

        _controlPlane = new ControlPlane(_store);
        _api = await ApiServer.StartAsync(_controlPlane, IPAddress.Loopback, 0, token: null);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _controlPlane.DisposeAsync();
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<CliRun> EdgectlAsync(params string[] args) => CliRun.OfAsync([.. args, "--server", _api.Address.ToString()]);

    [Fact]
    public async Task Get_prints_kubectls_columns_for_ingresses_and_their_classes()
    {
        CliRun ingresses = await EdgectlAsync("get", "ing");
        CliRun classes = await EdgectlAsync("get", "ingressclass");

        Assert.Equal((0, ""), (ingresses.ExitCode, ingresses.Err));
        Assert.Matches(@"^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE\nweb\s+edge\s+web\.example\.com\s+192\.168\.50\.11,192\.168\.50\.12\s+80, 443\s+\S+\n$", ingresses.Out);
        Assert.Matches(@"^NAME\s+CONTROLLER\s+PARAMETERS\s+AGE\nedge\s+edge\.dev/ingress-controller\s+<none>\s+\S+\n$", classes.Out);
    }

    [Fact]
    public async Task Describe_reads_as_kubectls_with_the_annotations_Edge_ignores_before_the_events()
    {
        CliRun run = await EdgectlAsync("describe", "ingress", "web");

        Assert.Equal((0, ""), (run.ExitCode, run.Err));
        Assert.Equal(string.Join("\n",
            "Name:             web",
            "Labels:           <none>",
            "Namespace:        default",
            "Address:          192.168.50.11,192.168.50.12",
            "Ingress Class:    edge",
            "Default backend:  <default>",
            "TLS:",
            "  web-tls terminates web.example.com",
            "Rules:",
            "  Host             Path  Backends",
            "  ----             ----  --------",
            "  web.example.com  ",
            "                   /   web:80 (10.244.1.2:8080)",
            "Annotations:       nginx.ingress.kubernetes.io/proxy-body-size: 8m",
            "Ignored annotations:  nginx.ingress.kubernetes.io/proxy-body-size",
            "Events:               <none>",
            ""), run.Out);
    }
}
