// Debian's chromium driven through chromedriver (Selenium), headless, for the tests of the pages the server serves.
// .ci/install.sh installs both; without them the tests fail, naming what is missing.
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace JinaEmbed.Server.Tests;

internal sealed class HeadlessChromium : IDisposable
{
    private const string Browser = "/usr/bin/chromium";
    private const string Driver = "/usr/bin/chromedriver";
    private readonly string profile;

    private HeadlessChromium(ChromeDriver driver, string profile)
    {
        WebDriver = driver;
        this.profile = profile;
    }

    public ChromeDriver WebDriver { get; }

    public static HeadlessChromium Start()
    {
        foreach (var (path, package) in new[] { (Browser, "chromium"), (Driver, "chromium-driver") })
        {
            Assert.True(File.Exists(path), $"{path} is missing: install Debian's {package} (bash .ci/install.sh does)");
        }

        string profile = Directory.CreateTempSubdirectory("jinaembed-chromium-").FullName;
        var options = new ChromeOptions { BinaryLocation = Browser };

        // This machine has no network but the loopback: without the background-networking switches chromium stalls
        // on its own update and sync calls.
        options.AddArguments(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,1600",
            $"--user-data-dir={profile}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        return new HeadlessChromium(driver, profile);
    }

    /// <summary>Waits until <paramref name="condition"/> gives a value, and returns it; fails naming what it waited for.</summary>
    public T WaitFor<T>(Func<IWebDriver, T?> condition, string what, int seconds = 60)
        where T : class
    {
        var wait = new WebDriverWait(WebDriver, TimeSpan.FromSeconds(seconds)) { Message = $"waited {seconds} s for {what}" };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition)!;
    }

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    public void WaitUntil(Func<IWebDriver, bool> condition, string what, int seconds = 60) =>
        WaitFor(d => condition(d) ? "yes" : null, what, seconds);

    /// <summary>Waits for the playground's status line to read <paramref name="text"/>.</summary>
    public void WaitForStatus(string text) =>
        WaitUntil(d => d.FindElement(By.Id("status")).Text == text, $"the playground's status '{text}'");

    /// <summary>Every resource URL the current page loaded (the Resource Timing entries, failed requests included).</summary>
    public IReadOnlyList<string> LoadedResources() =>
        ((IReadOnlyCollection<object>)WebDriver.ExecuteScript("return performance.getEntriesByType('resource').map(e => e.name);")!)
            .Select(o => (string)o).ToArray();

    public void Dispose()
    {
        WebDriver.Quit();
        WebDriver.Dispose();
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
            // chromium may still hold a lock file for a moment; the folder is in the temp directory
        }
    }
}
