using System.Text.Json.Nodes;
using Edge.Cli.Commands.Resources;
using Edge.Host.Objects;

namespace Edge.Cli.Tests.Lab;

/// <summary>port-forward's arguments read as kubectl reads them: the port forms, and a service's port translated to its pod's.</summary>
[Trait("Category", Category.Unit)]
public sealed class PortForwardTargetTests
{
    [Theory]
    [InlineData("8080:80", 8080, 80)]
    [InlineData("80", 80, 80)]
    [InlineData(":80", 0, 80)]
    [InlineData("0:5432", 0, 5432)]
    public void Ports_are_REMOTE_LOCAL_colon_REMOTE_or_colon_REMOTE_for_a_free_one(string spec, int local, int remote) =>
        Assert.Equal(new PortPair(local, remote), PortForwardTarget.ParsePorts(spec));

    [Theory]
    [InlineData("80:0")]
    [InlineData("70000")]
    [InlineData("a:80")]
    [InlineData("1:2:3")]
    [InlineData("")]
    public void Other_port_forms_are_refused_with_the_forms_that_work(string spec) =>
        Assert.StartsWith($"invalid port {spec}:", Assert.Throws<CliException>(() => PortForwardTarget.ParsePorts(spec)).Message);

    private static readonly KubeObject Pod = new((JsonObject)JsonNode.Parse("""
        {"kind":"Pod","metadata":{"name":"web-1"},"spec":{"containers":[{"name":"main","ports":[{"name":"http","containerPort":8080},{"containerPort":9090}]}]}}
        """)!);

    private static readonly KubeObject Service = new((JsonObject)JsonNode.Parse("""
        {"kind":"Service","metadata":{"name":"web"},"spec":{"ports":[{"port":80,"targetPort":"http"},{"port":81,"targetPort":9090},{"port":82},{"port":83,"targetPort":"grpc"}]}}
        """)!);

    [Theory]
    [InlineData(80, 8080)] // targetPort by name: the container port called http
    [InlineData(81, 9090)] // by number
    [InlineData(82, 82)]   // none: the service's own port
    public void A_service_port_becomes_the_pods_port_as_kubectl_translates_it(int servicePort, int podPort) =>
        Assert.Equal(podPort, PortForwardTarget.ServicePortToPod(Service, Pod, servicePort));

    [Fact]
    public void A_port_the_service_lacks_or_a_name_the_pod_lacks_says_so()
    {
        Assert.Equal("Service web does not have a service port 90", Assert.Throws<CliException>(() => PortForwardTarget.ServicePortToPod(Service, Pod, 90)).Message);
        Assert.Equal("pod web-1 has no container port named grpc (the targetPort of service web's port 83)", Assert.Throws<CliException>(() => PortForwardTarget.ServicePortToPod(Service, Pod, 83)).Message);
    }
}
