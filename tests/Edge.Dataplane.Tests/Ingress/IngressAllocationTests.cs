using System.Text;
using Edge.Dataplane.Ingress;

namespace Edge.Dataplane.Tests.Ingress;

/// <summary>What the ingress does for every request (read the head, match a route, write the forwarded head) allocates nothing.</summary>
[Trait("Category", Category.Unit)]
public sealed class IngressAllocationTests
{
    [Fact]
    public void Parsing_routing_and_measuring_the_forwarded_head_allocate_nothing()
    {
        var routes = new IngressRoutes(4);
        routes.Add("", "/web", PathType.Prefix, "default", "web", 80);
        routes.Add("*.lab.example", "/api", PathType.Exact, "default", "api", 80);
        routes.Add("", "", PathType.Default, "default", "fallback", 80);
        byte[] bytes = Encoding.ASCII.GetBytes("GET /api HTTP/1.1\r\nHost: a.lab.example\r\nUser-Agent: curl\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n");
        var head = new RequestHead();
        var forwarded = new ForwardedHead();
        int route = -1;
        int size = 0;

        long allocated = Allocations.Least(() =>
        {
            head.Parse(bytes, bytes.Length);
            route = RouteMatcher.Match(routes, bytes, head.HostStart, head.HostNameLength, head.TargetStart, head.PathLength);
            size = forwarded.Measure(bytes, bytes.Length, head, 0xC0A832C8, 80, false);
        });

        Assert.Equal(0, allocated);
        Assert.Equal(1, route);
        Assert.True(size > bytes.Length, "the forwarding fields were added (and the client's X-Forwarded-For dropped)");
    }
}
