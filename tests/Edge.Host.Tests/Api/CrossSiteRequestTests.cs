using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace Edge.Host.Tests.Api;

/// <summary>
/// The loopback API asks for no token, and any web page open on the laptop can make the browser
/// send a request to it: a write, or an exec stream, that carries another site's Origin is
/// refused, whatever its content type; reading, and the API's own origin, stay open. kubectl and
/// edgectl send no Origin.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class CrossSiteRequestTests() : ApiTest("cross-site")
{
    private const string Page = "http://workshop-slides.example";

    private const string PodJson = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"toolbox"}]}}""";

    [Fact]
    public async Task A_page_from_another_site_cannot_create_a_pod_or_run_exec_even_as_text()
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/namespaces/default/pods") { Content = new StringContent(PodJson, Encoding.UTF8, "text/plain") };
        create.Headers.Add("Origin", Page);
        using HttpResponseMessage created = await Http.SendAsync(create);
        Assert.Equal(HttpStatusCode.Forbidden, created.StatusCode);
        Assert.Contains("a web page from another site cannot write", await created.Content.ReadAsStringAsync());
        Assert.Null(Store.Get("Pod", "default", "p"));

        using var exec = new HttpRequestMessage(HttpMethod.Post, "/api/v1/namespaces/default/pods/p/exec") { Content = new StringContent("""{"command":["env"]}""", Encoding.UTF8, "text/plain") };
        exec.Headers.Add("Origin", Page);
        Assert.Equal(HttpStatusCode.Forbidden, (await Http.SendAsync(exec)).StatusCode);
    }

    [Fact]
    public async Task A_page_from_another_site_cannot_open_an_exec_stream()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v5.channel.k8s.io");
        socket.Options.SetRequestHeader("Origin", Page);
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new Uri(Api.Address.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "api/v1/namespaces/default/pods/p/exec?command=env&stdout=true");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task Reading_stays_open_and_a_write_without_origin_or_from_the_APIs_own_origin_goes_through()
    {
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/pods");
        read.Headers.Add("Origin", Page);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(read)).StatusCode);

        using var sameSite = new HttpRequestMessage(HttpMethod.Post, "/api/v1/namespaces/default/pods") { Content = new StringContent(PodJson, Encoding.UTF8, "application/json") };
        sameSite.Headers.Add("Origin", Api.Address.ToString().TrimEnd('/'));
        using HttpResponseMessage created = await Http.SendAsync(sameSite);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task Exec_for_a_pod_that_does_not_exist_is_an_HTTP_404_before_any_upgrade()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("v5.channel.k8s.io");
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new Uri(Api.Address.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "api/v1/namespaces/default/pods/nowhere/exec?command=env&stdout=true");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, socket.HttpStatusCode);
    }
}
