// async/await needs Task, which nanoFramework does not have.
// expect: CS0234
class Probe
{
    static async System.Threading.Tasks.Task Wait() => await System.Threading.Tasks.Task.Delay(1);
}
