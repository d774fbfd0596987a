using System.Net;
using System.Text;

namespace Edge.Host.Tests.Api;

/// <summary>
/// Edge's own endpoints that change the cluster (dial a board, rotate the key) on the loopback
/// API, which asks for no token: a web page open on the laptop can send a form or text to
/// loopback without asking the browser (a "simple" request), so these take only a JSON body and
/// refuse a request that says it comes from a page (Origin).
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class EdgeEndpointsTests() : ApiTest("edge-endpoints")
{
    [Theory]
    [InlineData("/edge/v1/rekey")]
    [InlineData("/edge/v1/boards")]
    public async Task A_form_or_text_from_a_web_page_is_refused(string path)
    {
        using HttpResponseMessage text = await Http.PostAsync(path, new StringContent("{}", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Forbidden, text.StatusCode);
        Assert.Contains("Content-Type: application/json and no Origin", await text.Content.ReadAsStringAsync());

        using var fromPage = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        fromPage.Headers.Add("Origin", "http://workshop-slides.example");
        using HttpResponseMessage withOrigin = await Http.SendAsync(fromPage);
        Assert.Equal(HttpStatusCode.Forbidden, withOrigin.StatusCode);
        Assert.Empty(ControlPlane.Boards);
    }

    [Fact]
    public async Task A_client_asking_for_a_rekey_without_a_cluster_key_is_told_there_is_none()
    {
        using HttpResponseMessage response = await Http.PostAsync("/edge/v1/rekey", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("runs without a cluster key", await response.Content.ReadAsStringAsync());
    }
}
