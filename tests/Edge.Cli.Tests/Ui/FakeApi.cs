using System.Net;
using Edge.Cli.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Edge.Cli.Tests.Ui;

/// <summary>
/// A stand-in for the control plane's API on loopback, answering as a test says (a trace a real
/// lab answered, a capture stream that never ends): what only boards could make otherwise.
/// </summary>
public sealed class FakeApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeApi(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<FakeApi> StartAsync(RequestDelegate handle)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        app.Run(handle);
        await app.StartAsync();
        return new FakeApi(app, new Uri(app.Urls.First()));
    }

    public ApiClient Connect() => new(Address.ToString(), null);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
