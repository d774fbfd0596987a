using Edge.Host.Api;

namespace Edge.Host.Tests.Api;

[Trait("Category", Category.Unit)]
public sealed class PolicyViewNamesTests
{
    [Fact]
    public void A_boards_policy_indexes_become_the_names_the_host_compiled()
    {
        Assert.Equal("\"default/deny ingress rule 0\" # x/allow: 3 packets # policy#7",
            PolicyViewNames.Restore("\"policy#0 ingress rule 0\" # policy#1: 3 packets # policy#7", ["default/deny", "x/allow"]));
    }
}
