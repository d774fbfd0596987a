using System.Net;
using Edge.Host.Api;
using Edge.Host.Cluster;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Cli.Tests.Policy;

/// <summary>
/// A control plane's API in this process over the objects of <see cref="PolicyTestCluster"/>
/// (stored as the controllers would have left them; no boards), gone after the test.
/// </summary>
public abstract class PolicyTestApi(string name) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory($"edge-{name}-").FullName;
    private ControlPlane _controlPlane = null!;

    protected ObjectStore Store { get; private set; } = null!;

    protected ApiServer Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Store = ObjectStore.Open(Path.Combine(_dir, "lab.db"));
        foreach (KubeObject o in PolicyTestCluster.Objects())
        {
            Store.Create(o);
        }

        _controlPlane = new ControlPlane(Store);
        Api = await ApiServer.StartAsync(_controlPlane, IPAddress.Loopback, 0, token: null);
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await _controlPlane.DisposeAsync();
        Store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
