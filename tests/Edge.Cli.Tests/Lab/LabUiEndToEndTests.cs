using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Edge.Cli.Tests.Ui;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// The lab view in a real browser (Debian's chromium, headless, through chromedriver), as an
/// instructor opens it: `lab up --ui` on three virtual boards, `apply` a Deployment and its
/// Service, and the page, never reloaded, shows the boards, their pods, a pod created and then
/// deleted, its readiness, and the Service's endpoints; a board's tables on request; a request
/// through the Service as a flow along the right links (the overlay's arc when the endpoint is on
/// another board); a board lost. Screenshots in artifacts/ui/.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class LabUiEndToEndTests() : LabTest("ui")
{
    private const string Visitor = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: visitor
          labels:
            app: web
        spec:
          containers:
            - name: whoami
              image: traefik/whoami:v1.10
              ports:
                - name: http
                  containerPort: 80
        """;

    private List<string> EndpointIps() => (Get("endpoints", "web")["subsets"]?[0]?["addresses"] as JsonArray ?? [])
        .Select(a => (string)a!["ip"]!).Order(StringComparer.Ordinal).ToList();

    [RequiresToolFact("chromium", "chromedriver")]
    public void The_page_shows_the_boards_their_pods_and_a_services_endpoints_and_follows_changes_without_a_reload()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "3", "--first-address", "127.0.10.208", "--ui", "--not-ready-after", "3", "--evict-after", "120");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        string url = Regex.Match(up.Out, @"(?m)^Lab view: (http://127\.0\.0\.1:\d+/)").Groups[1].Value;
        Assert.True(url.Length > 0, "lab up --ui printed no URL:\n" + up.Out);
        Assert.Contains("started the lab view", up.Out);
        Assert.Matches(@"(?m)^ui\s+Running\s+\d+\s+http://127\.0\.0\.1:\d+/\s+lab view", Edgectl.Run("lab", "status").Out);

        Apply("examples/web.yaml");
        using var browser = new HeadlessChromium();
        browser.Page.Navigate().GoToUrl(url);

        // Three boards, Ready in words; three web pods, one per board, ready.
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("g.board[data-key^='node:']")).Count(b => b.GetAttribute("data-status") == "Ready") == 3, "three Ready boards");
        Assert.Equal(["node-1", "node-2", "node-3"], browser.Page.FindElements(By.CssSelector("g.board[data-key^='node:']")).Select(b => b.GetAttribute("data-key")![5..]));
        Assert.Contains("Ready", browser.Page.FindElement(By.CssSelector("g[data-key='node:node-1']")).Text);
        browser.WaitFor(() => WebPods(browser).Count(p => p.GetAttribute("data-ready") == "true") == 3, "three ready web pods");
        Assert.Equal(3, WebPods(browser).Select(p => Regex.Match(p.GetAttribute("aria-label")!, @" on (node-\d)$").Groups[1].Value).Distinct().Count());
        Assert.Equal(3, browser.Page.FindElements(By.CssSelector("#overlay path.overlay")).Count); // a VXLAN link per pair of boards
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("#edges path[data-from='svc:default/web']:not(.notready)")).Count == 3, "three ready endpoint lines from service web");
        browser.Screenshot("lab-view-three-boards");

        // Nothing below reloads the page: a reload would lose this mark.
        browser.Js("window.edgeTestMark = 'same page';");

        // A new pod appears, becomes ready, and joins the Service's endpoints.
        File.WriteAllText(Path.Combine(Home, "visitor.yaml"), Visitor);
        Apply(Path.Combine(Home, "visitor.yaml"));
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("g.pod[data-key='pod:default/visitor']")).Count == 1, "the new pod visitor");
        browser.WaitFor(() => browser.Page.FindElement(By.CssSelector("g.pod[data-key='pod:default/visitor']")).GetAttribute("data-ready") == "true", "visitor ready");
        WaitFor(() => EndpointIps().Count == 4, "four endpoints of web");
        List<string> endpoints = EndpointIps();

        // Its details by keyboard: focus the service, Enter.
        IWebElement service = browser.Page.FindElement(By.CssSelector("g.service[data-key='svc:default/web']"));
        browser.Js("arguments[0].focus();", service);
        new Actions(browser.Page).SendKeys(Keys.Enter).Perform();
        browser.WaitFor(() => DetailsEndpointIps(browser).SequenceEqual(endpoints), "service web's four endpoints in its details: " + string.Join(", ", endpoints));
        Assert.Contains("Service default/web", browser.Page.FindElement(By.Id("details")).Text);
        Assert.Contains("4 of 4 ready", browser.Page.FindElement(By.Id("details")).Text);
        browser.Screenshot("lab-view-new-pod-and-service-endpoints");

        // A board's tables, as `edgectl tables` prints them, from the details.
        browser.Page.FindElement(By.CssSelector("#details button[data-tables='node-1/iptables']")).Click();
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("#details pre[data-tables-text='node-1/iptables']")).FirstOrDefault()?.Text.Contains("KUBE-SERVICES") == true, "node-1's iptables view");
        Assert.Contains(endpoints[0], browser.Page.FindElement(By.CssSelector("#details pre")).Text);

        // A request through the Service: the client board's pick runs as a dot along client -> web -> the
        // endpoint picked, and the list says it in edgectl flows' words.
        Apply("examples/client.yaml");
        WaitFor(() => (string?)Get("pod", "client")["status"]!["phase"] == "Running", "client Running");
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("g.pod[data-key='pod:default/client']")).Count == 1, "the client pod drawn");
        CliRun wget = Edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://web");
        Assert.True(wget.ExitCode == 0, wget.Err);
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("#flow-list li.forwarded")).Any(li => li.Text.Contains("FORWARDED TCP service default/web:http: DNAT to default/", StringComparison.Ordinal)), "the pick in the flow list");
        string path = (string)browser.Js("return window.edgeLab.flows.filter(f => f.type === 'service').map(f => f.path)[0];")!;
        Assert.Matches(@"^pod:default/client > svc:default/web > pod:default/(web-[\w-]+|visitor)$", path);
        Assert.True(browser.Page.FindElements(By.CssSelector($"#flow-layer g.flow.forwarded[data-flow-path='{path}']")).Count >= 1, "a dot running along " + path);
        browser.Screenshot("lab-view-flow-through-service");
        Assert.Equal("none", browser.Js("return getComputedStyle(document.getElementById('flow-layer')).pointerEvents;")); // a dot in flight never takes the click below
        string clientNode = (string)Get("pod", "client")["spec"]!["nodeName"]!;

        // A flow to an endpoint on another board runs along the VXLAN arc between the two boards; on
        // the same board it never touches the overlay. kube-proxy picks: call until one crosses.
        int seen = 0;
        bool crossed = false;
        WaitFor(() =>
        {
            var flows = (IReadOnlyCollection<object>)browser.Js("return window.edgeLab.flows.filter(f => f.type === 'service').map(f => f.path + '|' + f.via);")!;
            foreach (string flow in flows.Cast<string>().Skip(seen))
            {
                string[] pathAndVia = flow.Split('|');
                string pickedNode = (string)Get("pod", pathAndVia[0][(pathAndVia[0].LastIndexOf('/') + 1)..])["spec"]!["nodeName"]!;
                Assert.Equal(pickedNode == clientNode ? "" : "overlay:" + Arc(clientNode, pickedNode), pathAndVia[1]);
                crossed |= pickedNode != clientNode;
            }

            seen = flows.Count;
            if (!crossed)
            {
                Assert.True(Edgectl.Run("exec", "client", "--", "wget", "-qO-", "http://web").ExitCode == 0);
            }

            return crossed;
        }, "a flow to an endpoint on another board than the client's", seconds: 120);

        // A pod by mouse: its details; then it is deleted and leaves the page and the endpoints.
        new Actions(browser.Page).MoveToElement(browser.Page.FindElement(By.CssSelector("g.pod[data-key='pod:default/visitor']"))).Click().Perform();
        browser.WaitFor(() => browser.Page.FindElement(By.Id("details")).Text.Contains("Pod default/visitor"), "visitor's details");
        Assert.Contains("web (ready endpoint)", browser.Page.FindElement(By.Id("details")).Text);
        Assert.True(Edgectl.Run("delete", "pod", "visitor").ExitCode == 0);
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("g.pod[data-key='pod:default/visitor']")).Count == 0, "visitor gone");
        browser.WaitFor(() => browser.Page.FindElement(By.Id("details")).Text.Contains("pod default/visitor is gone (deleted)"), "the details saying visitor is gone");
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("#edges path[data-from='svc:default/web']")).Count == 3, "three endpoint lines from service web again");
        Assert.Equal("same page", browser.Js("return window.edgeTestMark;"));
        browser.Screenshot("lab-view-pod-deleted");

        // A board lost (its process killed): NotReady in words, its VXLAN links down, its pod a dashed (not-ready) endpoint.
        int node3 = (int)JsonNode.Parse(File.ReadAllText(Path.Combine(Home, "labs", "ui", "lab.json")))!["boards"]!
            .AsArray().Single(b => (string?)b!["name"] == "node-3")!["pid"]!;
        System.Diagnostics.Process.GetProcessById(node3).Kill();
        browser.WaitFor(() => browser.Page.FindElement(By.CssSelector("g.board[data-key='node:node-3']")).GetAttribute("data-status") == "NotReady", "node-3 NotReady");
        Assert.Contains("NotReady", browser.Page.FindElement(By.CssSelector("g.board[data-key='node:node-3']")).Text);
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("#overlay path.overlay.down")).Count == 2, "node-3's two VXLAN links down");
        browser.WaitFor(() => browser.Page.FindElements(By.CssSelector("#edges path.notready[data-from='svc:default/web']")).Count == 1, "node-3's web pod a not-ready endpoint");
        Assert.Equal("same page", browser.Js("return window.edgeTestMark;"));
        browser.Screenshot("lab-view-board-lost");

        // lab down stops the view with the rest.
        CliRun down = Edgectl.Run("lab", "down");
        Assert.Contains("✓ stopped ui (pid", down.Out);
    }

    /// <summary>The overlay link between two boards as the view keys it (its ends in name order).</summary>
    private static string Arc(string a, string b) => string.CompareOrdinal(a, b) < 0 ? $"{a}~{b}" : $"{b}~{a}";

    private static List<IWebElement> WebPods(HeadlessChromium browser) =>
        [.. browser.Page.FindElements(By.CssSelector("g.pod[data-key^='pod:default/web-']"))];

    private static List<string> DetailsEndpointIps(HeadlessChromium browser) =>
        [.. browser.Page.FindElements(By.CssSelector("#details table[data-endpoints='default/web'] tr td:first-child"))
            .Select(td => td.Text.Split(' ')[0]).Order(StringComparer.Ordinal)];
}
