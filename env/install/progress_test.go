package install

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// Apply tells Progress how many of the plan's wheels are ready: 0 first, then one more each
// time, up to all of them, each with its name.
func TestApplyProgress(t *testing.T) {
	ix := sampleIndex(t)
	tg := fakeEnv(t)
	o := ix.options(t, "app")
	var mu sync.Mutex
	var calls []string
	o.Progress = func(done, total int, name string) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, fmt.Sprintf("%d/%d", done, total))
		if done > 0 && name == "" {
			t.Errorf("progress %d/%d without a name", done, total)
		}
	}
	p, err := Resolve(context.Background(), tg, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []string{"0/4", "1/4", "2/4", "3/4", "4/4"}
	if fmt.Sprint(calls) != fmt.Sprint(want) {
		t.Errorf("progress calls %v, want %v", calls, want)
	}
}
