// pyscard 2.3's test/test_observer.py, ported. test_synchronization (every method takes the
// observable's mutex) has no counterpart: JavaScript runs one call at a time, there is no
// mutex to take. Then the same rules on the classes built on Observable here.
import assert from "node:assert/strict";
import {
  CardConnection,
  CardConnectionObserver,
  CardMonitor,
  CardObserver,
  Observable,
  Observer,
  Reader,
  ReaderMonitor,
  ReaderObserver,
} from "../../../mod.ts";

Deno.test("pyscard test_state_changes: the changed flag is set and cleared, not toggled", () => {
  const observable = new Observable();
  assert.ok(!observable.hasChanged(), "Observable must not start in a changed state");
  observable.setChanged();
  assert.ok(observable.hasChanged(), ".setChanged() must *set* the state");
  observable.setChanged();
  assert.ok(observable.hasChanged(), ".setChanged() must not *toggle* the state");
  observable.clearChanged();
  assert.ok(!observable.hasChanged(), ".clearChanged() must *clear* the state");
  observable.clearChanged();
  assert.ok(!observable.hasChanged(), ".clearChanged() must not *toggle* the state");
});

Deno.test("pyscard test_registered_observers_are_always_notified", () => {
  let updateCount = 0;
  const observers = new Set<Observer>();
  class JealousObserver extends Observer {
    override update(observable: Observable): void {
      // try to keep every other observer from being told
      for (const other of observers) {
        if (other === this) continue;
        try {
          observable.deleteObserver(other);
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
        }
      }
      updateCount++;
    }
  }
  for (let i = 0; i < 10; i++) observers.add(new JealousObserver());
  const fair = new Observable();
  for (const observer of observers) fair.addObserver(observer);
  fair.setChanged();
  fair.notifyObservers();
  assert.equal(fair.countObservers(), 0);
  assert.equal(updateCount, 10);
});

Deno.test("pyscard test_double_observer_additions: an observer is added once", () => {
  const observer = new Observer();
  const observable = new Observable();
  observable.addObserver(observer);
  observable.addObserver(observer);
  assert.equal(observable.countObservers(), 1);
});

Deno.test("pyscard test_double_observer_removals: removing one not there throws", () => {
  const observer = new Observer();
  const observable = new Observable();
  observable.addObserver(observer);
  observable.deleteObserver(observer);
  assert.throws(() => observable.deleteObserver(observer), {
    name: "RangeError",
    message: /x not in list/,
  });
});

Deno.test("pyscard test_no_notifications_when_no_changes", () => {
  const observable = new Observable();
  let told = 0;
  observable.addObserver({ update: () => told++ });
  observable.notifyObservers();
  assert.equal(told, 0);
  observable.setChanged();
  observable.notifyObservers();
  observable.notifyObservers();
  assert.equal(told, 1, "notifyObservers clears the flag");
});

Deno.test("pyscard test_default_observer_updates: Observer.update does nothing", () => {
  const observable = new Observable<string>();
  assert.equal(new Observer<string>().update(observable, "arg"), undefined);
});

Deno.test("notifyObservers passes the observable and the handlers, in the order added", () => {
  const observable = new Observable<[number, number]>();
  const calls: string[] = [];
  for (const name of ["a", "b"]) {
    observable.addObserver({
      update(o: Observable<[number, number]>, [x, y]: [number, number]) {
        assert.equal(o, observable);
        calls.push(`${name}${x}${y}`);
      },
    });
  }
  observable.setChanged();
  observable.notifyObservers([1, 2]);
  assert.deepEqual(calls, ["a12", "b12"]);
});

Deno.test("an observer added while others are told waits for the next notification", () => {
  const observable = new Observable();
  const late = {
    told: 0,
    update() {
      this.told++;
    },
  };
  observable.addObserver({ update: () => observable.addObserver(late) });
  observable.setChanged();
  observable.notifyObservers();
  assert.equal(late.told, 0);
  observable.setChanged();
  observable.notifyObservers();
  assert.equal(late.told, 1);
});

Deno.test("monitors and connections are Observables; their observer classes are Observers", () => {
  assert.ok(new CardMonitor() instanceof Observable);
  assert.ok(new ReaderMonitor() instanceof Observable);
  assert.ok(new CardObserver() instanceof Observer);
  assert.ok(new ReaderObserver() instanceof Observer);
  assert.ok(new CardConnectionObserver() instanceof Observer);
  assert.ok(CardConnection.prototype instanceof Observable);
});

Deno.test("a monitor's deleteObserver of an observer it does not have throws, as pyscard", () => {
  const monitor = new CardMonitor();
  assert.throws(() => monitor.deleteObserver(new CardObserver()), RangeError);
  assert.equal(monitor.countObservers(), 0);
});

Deno.test("a monitor told by notifyObservers passes the handlers on, logging what throws", () => {
  using monitor = new ReaderMonitor();
  // the monitor's own wait is not started by observers it is told about this way
  const seen: unknown[] = [];
  const failing = new ReaderObserver();
  failing.update = () => {
    throw new Error("observer failure");
  };
  const errors: unknown[][] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    Observable.prototype.addObserver.call(monitor, failing);
    Observable.prototype.addObserver.call(monitor, {
      update: (_m: unknown, h: unknown) => seen.push(h),
    });
    monitor.setChanged();
    monitor.notifyObservers([[new Reader("R")], []]);
  } finally {
    console.error = error;
  }
  assert.equal(seen.length, 1);
  assert.equal(errors.length, 1);
  monitor.deleteObservers();
  assert.equal(monitor.countObservers(), 0);
});
