using System.Diagnostics;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Edge.Cli.Tests.Ui;

/// <summary>
/// Debian's chromium, headless, driven through Debian's chromedriver (built from the same source,
/// so their versions always match; Selenium is given both paths, so its Selenium Manager never
/// looks for a browser or a driver to download). Screenshots go to artifacts/ui/; files the page
/// downloads to <see cref="Downloads"/>, a directory of its own (removed with the browser).
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    public const string Browser = "/usr/bin/chromium";
    public const string Driver = "/usr/bin/chromedriver";

    private readonly ChromeDriverService _service;

    public HeadlessChromium(int width = 1600, int height = 1000)
    {
        Assert.True(File.Exists(Browser) && File.Exists(Driver), $"{Browser} and {Driver} are needed ({Tools.InstallHint("chromium")})");
        _service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        _service.HideCommandPromptWindow = true;
        _service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments("--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            $"--window-size={width},{height}", "--force-device-scale-factor=1");
        options.AddUserProfilePreference("download.default_directory", Downloads);
        options.AddUserProfilePreference("download.prompt_for_download", false);
        if (Environment.IsPrivilegedProcess)
        {
            options.AddArgument("--no-sandbox"); // chromium refuses to run as root with its sandbox
        }

        Page = new ChromeDriver(_service, options, TimeSpan.FromSeconds(60));
    }

    public ChromeDriver Page { get; }

    public string Downloads { get; } = Directory.CreateTempSubdirectory("edge-ui-downloads-").FullName;

    /// <summary>Runs script in the page and returns what it returns.</summary>
    public object? Js(string script, params object[] args) => Page.ExecuteScript(script, args);

    /// <summary>Waits until the condition holds (asked again every 100 ms), failing past the deadline with what it waited for.</summary>
    public void WaitFor(Func<bool> condition, string what, int seconds = 60)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (condition())
                {
                    return;
                }
            }
            catch (WebDriverException) when (clock.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                // an element redrawn between finding and reading it: ask again
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"timed out after {seconds} s waiting for the page to show {what}");
            Thread.Sleep(100);
        }
    }

    /// <summary>Saves what the page shows now as artifacts/ui/NAME.png; returns the path.</summary>
    public string Screenshot(string name)
    {
        string dir = RepoPaths.Of("artifacts", "ui");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name + ".png");
        Page.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Page.Quit(); // the browser and its driver with it
        }
        finally
        {
            Page.Dispose();
            _service.Dispose();
            Directory.Delete(Downloads, recursive: true);
        }
    }
}
