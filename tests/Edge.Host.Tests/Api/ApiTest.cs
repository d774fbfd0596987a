using System.Net;
using Edge.Host.Api;
using Edge.Host.Cluster;
using Edge.Host.Store;

namespace Edge.Host.Tests.Api;

/// <summary>
/// A test of the control plane's HTTP API on loopback: a store in a temporary folder, a control
/// plane over it (no boards), the API on a free port and a client for it; all gone afterwards.
/// </summary>
public abstract class ApiTest(string name) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory($"edge-{name}-").FullName;

    protected ObjectStore Store { get; private set; } = null!;

    protected ControlPlane ControlPlane { get; private set; } = null!;

    protected ApiServer Api { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    /// <summary>The client's handler (one that does not follow redirects, say).</summary>
    protected virtual HttpMessageHandler Handler() => new HttpClientHandler();

    public async Task InitializeAsync()
    {
        Store = ObjectStore.Open(Path.Combine(_dir, "lab.db"));
        ControlPlane = new ControlPlane(Store);
        Api = await ApiServer.StartAsync(ControlPlane, IPAddress.Loopback, 0, token: null);
        Http = new HttpClient(Handler()) { BaseAddress = Api.Address };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
        await ControlPlane.DisposeAsync();
        Store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
