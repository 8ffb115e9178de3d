import { createHashRouter, useLocation, useParams } from 'react-router';
import { App } from './App';
import { AuditPage } from './pages/AuditPage';
import { CalendarPage } from './pages/CalendarPage';
import { Compose } from './pages/Compose';
import { DelegationsPage } from './pages/DelegationsPage';
import { DirectivePage } from './pages/DirectivePage';
import { Home } from './pages/Home';
import { InboxPage } from './pages/InboxPage';
import { SearchPage } from './pages/SearchPage';
import { Organisation } from './pages/Organisation';
import { ReceivedPage } from './pages/ReceivedPage';
import { ReceivedReports, ReportsReceived } from './pages/ReportsReceived';
import { Registers } from './pages/Registers';

/** A page that takes the route's `:id`, remounted for each (its state is the directive's). */
const byId = (Page: (p: { id: string }) => React.ReactNode) =>
  function ById() {
    const { id } = useParams();
    return <Page key={id} id={id!} />;
  };

function ReceivedReportsRoute() {
  const { id } = useParams();
  const { search } = useLocation();
  return <ReceivedReports key={`${id}${search}`} id={id!} query={search.replace(/^\?/, '')} />;
}

/**
 * Every page has a URL that can be bookmarked and shared (in the hash, so the API serves one index.html): the page,
 * the directive, and the tab, schedule and cycle chosen (as the query: `#/d/:id?schedule=phases&cycle=2`).
 */
export const router = createHashRouter([
  {
    path: '/',
    element: <App />,
    children: [
      { index: true, element: <Home /> },
      { path: 'registers', element: <Registers /> },
      { path: 'registers/:kind', element: <Registers /> },
      { path: 'compose', element: <Compose /> },
      { path: 'd/:id', Component: byId(DirectivePage) },
      { path: 'received/:id', Component: byId(ReceivedPage) },
      { path: 'reports-received', element: <ReportsReceived /> },
      { path: 'reports-received/:id', Component: ReceivedReportsRoute },
      { path: 'audit/:id', Component: byId(AuditPage) },
      { path: 'organisation', element: <Organisation /> },
      { path: 'delegations', element: <DelegationsPage /> },
      { path: 'calendar', element: <CalendarPage /> },
      { path: 'inbox', element: <InboxPage /> },
      { path: 'search', element: <SearchPage /> },
      { path: '*', element: <Home /> },
    ],
  },
]);
